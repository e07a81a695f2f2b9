Feature: The community plan, drills, the residents' survey and the application
  As a community's editor and as the street and county offices' reviewers
  I want the knowledge graph to draft the plan, the drills to feed lessons and revisions, residents'
  knowledge to be measured, and the self-assessment to be proposed from our own records
  So that the demonstration-community application rests on facts in the graph, not on typed claims

  Background:
    Given a county with a street office, its communities and their people

  Scenario: An editor drafts a plan from the graph, edits it and puts it in force
    Given I am signed in as "ed"
    When I draft the plan for the hazards "hazard.rainstorm, hazard.urban-waterlogging, hazard.gas-leak, hazard.elevator-accident"
    Then version 1 lists the seven work groups with their duties and sources
    And the plan check says "预案列出了电梯事故，但没有写明它的启动条件"
    When I complete the plan in the editor with the note "补全工作组人员、渠道、场所、物资和联系人"
    Then version 2 passes the plan check
    When I put version 2 in force
    Then version 2 is in force and prints on A4 with a cover page and the version table

  Scenario: A drill is run and reviewed, its improvement becomes a lesson and a corrective action, the plan is revised
    Given the plan is in force
    And I am signed in as "ed"
    When I record a full-scale drill with 45 residents, 12 volunteers and 3 units
    And I review it with a strength and the improvement "预警叫应没有覆盖到独居老人"
    Then the improvement is a lesson learned about the drill's hazards with a corrective action owned by "org.community-committee"
    When I revise the plan after the drill, carrying out its corrective action
    Then the new version names the drill it was revised after and the action it carries out
    When a second drill finds the same problem
    Then the second drill's improvement is flagged as repeating the first drill's lesson

  Scenario: Residents answer the survey and the share is shown with its interval
    Given I am signed in as "ed"
    When I open a survey of 5 questions
    And 18 residents answer it correctly and 2 answer it wrongly, each on their own phone
    Then the survey shows 90% with the 95% interval "69.9%–97.2%" and a sample of 20
    And it says the sample does not prove 80%

  Scenario: The self-assessment proposes answers from records, the editor accepts most and overrides one, both levels sign off, the form prints
    Given the plan is in force and residents answered the survey
    And I am signed in as "ed"
    When I open a self-assessment and accept every proposed answer
    And I override criterion "5.3" with "85" and the reason "区级抽样调查结果为 85%（2026 年 5 月）"
    And I answer the remaining criteria and submit
    Then the street reviewer "st" sees the proposal, the answer and the reason side by side for "5.3"
    When the street reviewer "st" signs off with "同意报县级审核"
    And the county reviewer "co" signs off with "同意申报"
    Then the self-assessment is signed off at both levels
    And the application form shows the plan, the drills, the figures and both sign-offs
