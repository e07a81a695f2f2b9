Feature: Semantic search over lessons learned and the knowledge graph
  As a member of staff of a street emergency office
  I want to ask in my own words what to do and find the lessons, duties and plans that answer it
  So that past incidents change what we do next time

  Background:
    Given the bundled knowledge is loaded and indexed
    And I am signed in as a reviewer

  Scenario: A staff member searches in Chinese
    When I search for "老旧小区燃气泄漏谁先处置"
    Then the first 5 results include the lesson "lesson.shiyan-no-cordon-evacuation"
    And the first 5 results include the duty "duty.report-gas-leak"

  Scenario: Filtering by phase
    When I search for "暴雨" among lessons in the phase "phase.response"
    Then every result is a lesson in the phase "phase.response"
    And there is at least one result

  Scenario: Opening a hit's graph context
    When I search for "接到燃气泄漏报警后没有设警戒疏散"
    And I open the graph context of the first result
    Then I see its incident "湖北十堰张湾区艳湖社区集贸市场“6·13”重大燃气爆炸事故"
    And I see its recommendation and who should act on it
    And I see the plan "燃气事故应急专项预案"

  Scenario: Adding a lesson that nearly duplicates an existing one
    When I add a lesson reworded from "lesson.shiyan-no-cordon-evacuation"
    Then I am warned that it may be a duplicate, with a link to "lesson.shiyan-no-cordon-evacuation"
    And no new lesson was saved
