Feature: Demonstration-community self-assessment
  As a community worker
  I want to fill in the national demonstration-community checklist, submit it and see what to fix
  So that my community knows where it stands against the 80-point mark and what to do next

  Background:
    Given two communities in two street areas with their users

  Scenario: A community fills in the checklist, submits, and sees its score and gap plan
    Given the knowledge graph is loaded
    And I am signed in as "comm-a"
    When I start a new self-assessment
    And I answer every criterion as fully met except "4.1" partly met and "10.1" not met
    And I submit the self-assessment
    Then the result shows a total of 87 of 100 and "达到申报条件"
    And the result shows a chart for each of the 10 elements
    And the gap plan lists "编制或修订《社区突发事件综合应急预案》" for criterion "4.1"
    And the gap plan lists "做到“创建特色与示范作用”" for criterion "10.1"

  Scenario: A reviewer adjusts a score with a reason and signs off
    Given "comm-a" has submitted a self-assessment with every criterion fully met
    And I am signed in as "rev-a"
    When I adjust criterion "1.1" to 1 point with the reason "近一年会议纪要不全"
    And I sign off the self-assessment
    Then the self-assessment is signed off with a total of 99 and a self-assessed total of 100
    And "comm-a" sees the reason "近一年会议纪要不全" beside criterion "1.1"

  Scenario: A community cannot see another community's assessment
    Given "comm-a" has started a self-assessment
    And I am signed in as "comm-b"
    Then opening the self-assessment of "comm-a" is refused with 403
    And the API answers 404 for the self-assessment of "comm-a"
    And the review queue of "rev-b" does not list it

  Scenario Outline: Bad input gets a clear error and changes nothing
    Given "comm-a" has started a self-assessment
    And I am signed in as "comm-a"
    When I send <bad input>
    Then the answer is <status> with the message "<message>"
    And the self-assessment is unchanged

    Examples:
      | bad input                                  | status | message          |
      | the value 150 for criterion "1.3a"         | 400    | 0–100            |
      | an answer for the criterion id "crit.fake" | 400    | 不属于标准       |
      | a file "tool.exe" as evidence              | 415    | 不支持的文件类型 |
      | a file too large as evidence               | 413    | 文件过大         |

  Scenario: Submitting an already signed-off assessment is refused
    Given "comm-a" has a signed-off self-assessment
    And I am signed in as "comm-a"
    When I submit the self-assessment
    Then the answer is 409 with the message "已审核签署"
    And the self-assessment is unchanged
