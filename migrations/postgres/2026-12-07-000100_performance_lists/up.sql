-- A multiple performance's closed lists (issue #17 item 1), each only its Rust enum's values
-- (api/src/uploads/rules.rs): a competition's level (CompetitionLevel) and participation
-- (Participation); the kind of flexible learning (FlexibleKind), of a group activity
-- (GroupActivityKind) and of workplace learning (WorkplaceKind). Where a category has no list the
-- field stays free text (a cadre's or another performance's level; an advanced-placement
-- programme's name in kind). tests/integration/value_checks.rs compares the lists with the enums.
-- A row already outside its list makes this migration fail (nothing is mapped to a default).

ALTER TABLE performances ADD CONSTRAINT performances_participation_check CHECK (participation IS NULL OR participation IN ('個人', '團體'));
ALTER TABLE performances ADD CONSTRAINT performances_level_check CHECK (category <> 'competition' OR level IN ('校內', '校際', '縣市', '區域', '全國', '國際'));
ALTER TABLE performances ADD CONSTRAINT performances_kind_check CHECK (
    (category <> 'flexible_learning' OR kind IN ('自主學習', '選手培訓', '充實(增廣)教學', '補強性教學', '學校特色活動'))
    AND (category <> 'group_activity' OR kind IN ('班級活動', '社團活動', '學生自治會活動', '學生服務學習活動', '週會或講座'))
    AND (category <> 'workplace' OR kind IN ('職場見習', '職場體驗', '職場實習'))
);
