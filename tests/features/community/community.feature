Feature: The community workspace on a phone and at the desk
  As a grid worker on patrol with a weak signal, and as the community's staff
  I want to report hazards offline and follow each one until it is verified and closed
  So that every hazard found is handled and the handling rate says so

  Background:
    Given the community workspace is served with a base map and its people

  Scenario: A hazard goes from an offline report on a phone to a verified closure
    Given grid worker "grid-a" is signed in on a phone
    When the grid worker opens the report form while online
    And the phone loses its connection
    And the grid worker reports "楼道内飞线充电" at "3号楼1单元楼道" with a photo while offline
    Then the outbox screen shows 1 report waiting to be sent
    And no case has reached the server yet
    When the phone is back online
    Then the case "楼道内飞线充电" appears once in the ledger
    And the outbox is empty
    When the phone replays the same queued report three times
    Then the case "楼道内飞线充电" appears once in the ledger
    When "editor-a" assigns the case to the proposed organization with "fixer" as the fixer
    And "fixer" records the remediation with a photo
    Then "fixer" is not offered the verification
    When "editor-a" verifies and closes the case
    Then the case is closed and the workspace shows a handling rate of 100.0%

  Scenario: Residents are shown only to those paired with them
    Given two residents of "community.a", one of them paired with "helper"
    When "helper" opens the residents list
    Then they see exactly 1 resident, with the name masked
    When "editor-b" opens the residents list of "community.a"
    Then the page is refused and names no resident
