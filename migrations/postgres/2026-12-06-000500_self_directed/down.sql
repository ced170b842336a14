DROP TABLE sdl_progress;
DROP TABLE sdl_events;
DROP TABLE sdl_flow_stages;
DROP TABLE sdl_plans;
DROP TABLE sdl_stages;
DROP TABLE sdl_group_members;
DROP TABLE sdl_groups;
