ALTER TABLE performances DROP CONSTRAINT performances_kind_check;
ALTER TABLE performances DROP CONSTRAINT performances_level_check;
ALTER TABLE performances DROP CONSTRAINT performances_participation_check;
