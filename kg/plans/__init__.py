"""The community comprehensive emergency plan (社区综合应急预案) drafted from the graph."""
