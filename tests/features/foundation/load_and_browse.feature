Feature: Load the bundled knowledge and see it
  As a community emergency-management office
  I want to load the curated knowledge into the graph store with one command
  So that staff can browse it in the web app

  Scenario: Loading the bundled content twice leaves the graph unchanged
    Given an empty graph store
    When I run "cem load"
    And I run "cem load" again
    Then the second load reports the same counts as the first
    And the two exports are byte-identical

  Scenario: The home page shows what the graph holds
    Given an empty graph store
    When I run "cem load"
    And I open the home page
    Then I see a count for every label of curated knowledge in the bundled content
