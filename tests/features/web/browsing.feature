Feature: Browse the knowledge graph
  As a reviewer in a street emergency office
  I want to follow the links between hazards, duties and organizations
  So that I can check who must do what about a hazard

  Scenario: A reviewer browses a hazard and follows a link to a duty
    Given the bundled test graph with one account per role
    And I am signed in as "reviewer"
    When I open the "灾害风险" list and choose "暴雨"
    Then the page shows its source "中华人民共和国突发事件应对法" at "第十条"
    When I follow the link to the duty "转发预警信息"
    Then the page lists "社区居民委员会" under "承担者"
