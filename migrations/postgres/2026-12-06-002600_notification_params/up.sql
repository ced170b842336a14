-- Notifications as a kind and its parameters (issue #17 item 7), rendered in the reader's
-- language when read (api/src/notify/message.rs). `title`/`body` keep the zh-TW text: what a
-- row without parameters is shown as.
ALTER TABLE notifications ADD COLUMN params TEXT;

-- Rows written before: their parameters read back from the zh-TW text the server wrote, where
-- its form is certain (fixed words around what people wrote). Receipt reminders (a list of
-- lines) and anything else keep params NULL and are shown as stored.

UPDATE notifications SET params = json_build_object('subject', substr(title, 2, length(title) - 10))::text
WHERE params IS NULL AND kind = 'result_certified' AND title LIKE '「%」學習成果認證成功';

UPDATE notifications SET params = json_build_object('subject', substr(title, 2, length(title) - 11))::text
WHERE params IS NULL AND kind = 'selection_dropped' AND title LIKE '「%」學習成果已取消勾選';

UPDATE notifications SET params = json_build_object('subject', substr(title, 2, length(title) - 10), 'reason', substr(body, 4, length(body) - 27))::text
WHERE params IS NULL AND kind = 'result_rejected' AND title LIKE '「%」學習成果認證失敗' AND body LIKE '原因：%' || chr(10) || '您可以重新編輯後再送出認證，或刪除後重新上傳。';

UPDATE notifications SET params = json_build_object('theme', substr(title, 8, length(title) - 13))::text
WHERE params IS NULL AND kind = 'self_directed_plan_certified' AND title LIKE '自主學習計畫「%」已通過認證';

UPDATE notifications SET params = json_build_object('theme', substr(title, 8, length(title) - 12), 'stage', json_build_object('identity', CASE substr(body, 2, strpos(body, '」階段退回：') - 2) WHEN '導師' THEN 'homeroom' WHEN '學科教師' THEN 'subject' ELSE 'custom' END, 'label', substr(body, 2, strpos(body, '」階段退回：') - 2)), 'reason', substr(body, strpos(body, '」階段退回：') + 6, length(body) - strpos(body, '」階段退回：') - 6 - 9 + 1))::text
WHERE params IS NULL AND kind = 'self_directed_plan_returned' AND title LIKE '自主學習計畫「%」已被退回' AND body LIKE '「%」階段退回：%。請修改後再送出。';

UPDATE notifications SET params = json_build_object('theme', substr(title, 8, strpos(title, '」已通過「') - 8), 'stage', json_build_object('identity', CASE substr(title, strpos(title, '」已通過「') + 5, length(title) - strpos(title, '」已通過「') - 5) WHEN '導師' THEN 'homeroom' WHEN '學科教師' THEN 'subject' ELSE 'custom' END, 'label', substr(title, strpos(title, '」已通過「') + 5, length(title) - strpos(title, '」已通過「') - 5)), 'next_stage', json_build_object('identity', CASE substr(body, 12, length(body) - 13) WHEN '導師' THEN 'homeroom' WHEN '學科教師' THEN 'subject' ELSE 'custom' END, 'label', substr(body, 12, length(body) - 13)))::text
WHERE params IS NULL AND kind = 'self_directed_plan_approved' AND title LIKE '自主學習計畫「%」已通過「%」' AND body LIKE '已進入下一個認證階段「%」。';

UPDATE notifications SET params = json_build_object('theme', substr(title, 8, length(title) - 13))::text
WHERE params IS NULL AND kind = 'self_directed_result_certified' AND title LIKE '自主學習成果「%」已通過認證';

UPDATE notifications SET params = json_build_object('theme', substr(title, 8, length(title) - 12), 'stage', json_build_object('identity', CASE substr(body, 2, strpos(body, '」階段退回：') - 2) WHEN '導師' THEN 'homeroom' WHEN '學科教師' THEN 'subject' ELSE 'custom' END, 'label', substr(body, 2, strpos(body, '」階段退回：') - 2)), 'reason', substr(body, strpos(body, '」階段退回：') + 6, length(body) - strpos(body, '」階段退回：') - 6 - 9 + 1))::text
WHERE params IS NULL AND kind = 'self_directed_result_returned' AND title LIKE '自主學習成果「%」已被退回' AND body LIKE '「%」階段退回：%。請修改後再送出。';

UPDATE notifications SET params = json_build_object('theme', substr(title, 8, strpos(title, '」已通過「') - 8), 'stage', json_build_object('identity', CASE substr(title, strpos(title, '」已通過「') + 5, length(title) - strpos(title, '」已通過「') - 5) WHEN '導師' THEN 'homeroom' WHEN '學科教師' THEN 'subject' ELSE 'custom' END, 'label', substr(title, strpos(title, '」已通過「') + 5, length(title) - strpos(title, '」已通過「') - 5)), 'next_stage', json_build_object('identity', CASE substr(body, 12, length(body) - 13) WHEN '導師' THEN 'homeroom' WHEN '學科教師' THEN 'subject' ELSE 'custom' END, 'label', substr(body, 12, length(body) - 13)))::text
WHERE params IS NULL AND kind = 'self_directed_result_approved' AND title LIKE '自主學習成果「%」已通過「%」' AND body LIKE '已進入下一個認證階段「%」。';
