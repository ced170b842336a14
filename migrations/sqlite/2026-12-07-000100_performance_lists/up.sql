-- A multiple performance's closed lists (issue #17 item 1), each only its Rust enum's values
-- (api/src/uploads/rules.rs): a competition's level (CompetitionLevel) and participation
-- (Participation); the kind of flexible learning (FlexibleKind), of a group activity
-- (GroupActivityKind) and of workplace learning (WorkplaceKind). Where a category has no list the
-- field stays free text (a cadre's or another performance's level; an advanced-placement
-- programme's name in kind). tests/integration/value_checks.rs compares the lists with the enums.
-- A row already outside its list makes this migration fail (nothing is mapped to a default).
-- As in 2026-12-06-002500_value_checks: existing rows are checked through a temporary table whose
-- named CHECK constraints fail (naming the column); BEFORE INSERT / BEFORE UPDATE OF triggers
-- refuse other values from then on (NULL passes, as it does a PostgreSQL CHECK).

CREATE TEMP TABLE _performance_lists (
    performances_participation INTEGER NOT NULL CONSTRAINT "performances.participation holds a value outside its list" CHECK (performances_participation = 0),
    performances_level INTEGER NOT NULL CONSTRAINT "performances.level holds a value outside the list of its category" CHECK (performances_level = 0),
    performances_kind INTEGER NOT NULL CONSTRAINT "performances.kind holds a value outside the list of its category" CHECK (performances_kind = 0)
);
INSERT INTO _performance_lists VALUES (
    (SELECT COUNT(*) FROM performances AS NEW WHERE NEW.participation IS NOT NULL AND NEW.participation NOT IN ('個人', '團體')),
    (SELECT COUNT(*) FROM performances AS NEW WHERE NEW.category = 'competition' AND NEW.level NOT IN ('校內', '校際', '縣市', '區域', '全國', '國際')),
    (SELECT COUNT(*) FROM performances AS NEW WHERE (NEW.category = 'flexible_learning' AND NEW.kind NOT IN ('自主學習', '選手培訓', '充實(增廣)教學', '補強性教學', '學校特色活動'))
  OR (NEW.category = 'group_activity' AND NEW.kind NOT IN ('班級活動', '社團活動', '學生自治會活動', '學生服務學習活動', '週會或講座'))
  OR (NEW.category = 'workplace' AND NEW.kind NOT IN ('職場見習', '職場體驗', '職場實習')))
);
DROP TABLE _performance_lists;

CREATE TRIGGER performances_participation_insert_check BEFORE INSERT ON performances
WHEN NEW.participation IS NOT NULL AND NEW.participation NOT IN ('個人', '團體')
BEGIN SELECT RAISE(ABORT, 'invalid performances.participation'); END;
CREATE TRIGGER performances_participation_update_check BEFORE UPDATE OF participation ON performances
WHEN NEW.participation IS NOT NULL AND NEW.participation NOT IN ('個人', '團體')
BEGIN SELECT RAISE(ABORT, 'invalid performances.participation'); END;

CREATE TRIGGER performances_level_insert_check BEFORE INSERT ON performances
WHEN NEW.category = 'competition' AND NEW.level NOT IN ('校內', '校際', '縣市', '區域', '全國', '國際')
BEGIN SELECT RAISE(ABORT, 'invalid performances.level'); END;
CREATE TRIGGER performances_level_update_check BEFORE UPDATE OF category, level ON performances
WHEN NEW.category = 'competition' AND NEW.level NOT IN ('校內', '校際', '縣市', '區域', '全國', '國際')
BEGIN SELECT RAISE(ABORT, 'invalid performances.level'); END;

CREATE TRIGGER performances_kind_insert_check BEFORE INSERT ON performances
WHEN (NEW.category = 'flexible_learning' AND NEW.kind NOT IN ('自主學習', '選手培訓', '充實(增廣)教學', '補強性教學', '學校特色活動'))
  OR (NEW.category = 'group_activity' AND NEW.kind NOT IN ('班級活動', '社團活動', '學生自治會活動', '學生服務學習活動', '週會或講座'))
  OR (NEW.category = 'workplace' AND NEW.kind NOT IN ('職場見習', '職場體驗', '職場實習'))
BEGIN SELECT RAISE(ABORT, 'invalid performances.kind'); END;
CREATE TRIGGER performances_kind_update_check BEFORE UPDATE OF category, kind ON performances
WHEN (NEW.category = 'flexible_learning' AND NEW.kind NOT IN ('自主學習', '選手培訓', '充實(增廣)教學', '補強性教學', '學校特色活動'))
  OR (NEW.category = 'group_activity' AND NEW.kind NOT IN ('班級活動', '社團活動', '學生自治會活動', '學生服務學習活動', '週會或講座'))
  OR (NEW.category = 'workplace' AND NEW.kind NOT IN ('職場見習', '職場體驗', '職場實習'))
BEGIN SELECT RAISE(ABORT, 'invalid performances.kind'); END;
