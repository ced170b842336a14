DROP TABLE terms;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE roles;
DROP TABLE schools;
