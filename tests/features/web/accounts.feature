Feature: Accounts and roles
  As a street emergency office
  I want each person to see only what their role allows
  So that trainees, community editors, reviewers and administrators each get the right tools

  Background:
    Given the bundled test graph with one account per role

  Scenario: An admin creates a trainee account
    Given I am signed in as "admin"
    When I create the account "xiaowang" with the role "trainee"
    Then "xiaowang" can sign in
    And the audit log shows "user.create" of "user.xiaowang" by "user.admin"

  Scenario: A trainee signs in and sees only trainee navigation
    When "trainee" signs in
    Then the navigation offers "知识图谱"
    And the navigation does not offer "用户管理"
    And the navigation does not offer "审计日志"
    And the navigation does not offer "我的社区"
    And opening "/admin/users" is refused with 403

  Scenario: A community user cannot open another community's pages
    Given I am signed in as "comm-a"
    Then opening "/community/community.a" shows "甲社区"
    And opening "/community/community.b" is refused with 403
