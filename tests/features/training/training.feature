Feature: First-responder training
  As a resident training to be an emergency first responder
  I want to learn online, check my knowledge and get a certificate after a practical assessment
  So that my community knows I am trained, and I know when to refresh

  Scenario: A trainee learns, fails a knowledge check, passes, and is certified after a skills sign-off
    Given the first-responder course is loaded
    And I am signed in as trainee "alice"
    When I enrol in the course
    And I read the first unit of module 1
    And I answer the knowledge check of module 1 with one wrong answer
    Then I see that the answer is wrong with its explanation and a link to the graph
    And the knowledge check is not passed and module 2 is still locked
    When I take the knowledge check of module 1 again and answer everything right
    Then module 2 is unlocked
    When I complete module 2
    And I take the final exam and answer everything right
    Then I have passed the final exam but hold no certificate yet
    When instructor "ivan" signs off every practical skill for me
    Then I hold a certificate valid for 3 years
    And anyone can verify it by its code and see it is valid

  Scenario: A certificate is shown as expired after its period
    Given the first-responder course is loaded
    And trainee "bob" holds a certificate for the course
    When 3 years and 1 day have passed
    Then the public verification page shows the certificate as expired
    And bob's training page reminds him that the certificate has expired

  Scenario: Practice mode brings back a missed question
    Given the first-responder course is loaded
    And I am signed in as trainee "carol"
    When I enrol in the course
    And I read the first unit of module 1
    And I answer the knowledge check of module 1 with one wrong answer
    Then there is nothing to practise yet
    When 1 day has passed
    Then practice mode asks me the question I missed
