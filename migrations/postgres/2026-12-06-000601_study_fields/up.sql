-- 認識學群 (issue #23; manual 1.3): the 18 university fields of study (大學 18 學群, as ColleGo!
-- groups them) and the 20 vocational groups (技職 20 群類, the groups of the 四技二專 unified
-- entrance exam) as reference data the platform operator can update. The names follow the
-- national lists; the short descriptions are Licheng's own drafts (to be reviewed by counsellors),
-- and the links go to the national guidance sites' home pages only (no deep links guessed):
-- 大學選才與高中育才輔助系統 ColleGo! and 技專校院招生策略委員會.
CREATE TABLE study_fields (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('university', 'vocational')),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    url TEXT NOT NULL CHECK (url LIKE 'https://%'),
    sort_order INTEGER NOT NULL,
    updated_at TIMESTAMP
);
CREATE UNIQUE INDEX study_fields_kind_code ON study_fields (kind, code);

INSERT INTO study_fields (kind, code, name, description, url, sort_order) VALUES
    ('university', '01', '資訊學群', '資訊工程、資訊管理、資訊傳播等：程式設計、資料與網路、人工智慧的原理與應用。', 'https://collego.edu.tw', 1),
    ('university', '02', '工程學群', '機械、電機、土木、化工、材料等工程領域：以數理為基礎解決實際問題。', 'https://collego.edu.tw', 2),
    ('university', '03', '數理化學群', '數學、物理、化學、統計等基礎科學：重視推理、實驗與數理能力。', 'https://collego.edu.tw', 3),
    ('university', '04', '醫藥衛生學群', '醫學、牙醫、藥學、護理、公共衛生、醫事技術等：照護人的健康。', 'https://collego.edu.tw', 4),
    ('university', '05', '生命科學學群', '生物、生化、分子與細胞生物學等：探究生命現象的原理。', 'https://collego.edu.tw', 5),
    ('university', '06', '生物資源學群', '農藝、園藝、森林、動物科學、食品科學等：生物資源的利用與保育。', 'https://collego.edu.tw', 6),
    ('university', '07', '地球與環境學群', '地質、大氣、海洋、地理、環境科學等：認識地球與自然環境。', 'https://collego.edu.tw', 7),
    ('university', '08', '建築與設計學群', '建築、都市計畫、景觀、工業設計、視覺傳達設計等：空間與產品的設計。', 'https://collego.edu.tw', 8),
    ('university', '09', '藝術學群', '音樂、美術、戲劇、舞蹈、電影等：藝術創作、表演與理論。', 'https://collego.edu.tw', 9),
    ('university', '10', '社會與心理學群', '社會學、心理學、社會工作、人類學等：探討人與社會。', 'https://collego.edu.tw', 10),
    ('university', '11', '大眾傳播學群', '新聞、廣播電視、廣告、公共關係、數位媒體等：資訊的製作與傳播。', 'https://collego.edu.tw', 11),
    ('university', '12', '外語學群', '英語、日語及其他外國語文與文學：語言能力與跨文化溝通。', 'https://collego.edu.tw', 12),
    ('university', '13', '文史哲學群', '中國文學、歷史、哲學、宗教等：人文思想與文化的探究。', 'https://collego.edu.tw', 13),
    ('university', '14', '教育學群', '教育、特殊教育、幼兒教育、成人教育等：教與學的理論與實務。', 'https://collego.edu.tw', 14),
    ('university', '15', '法政學群', '法律、政治、行政、外交等：法律制度與公共事務。', 'https://collego.edu.tw', 15),
    ('university', '16', '管理學群', '企業管理、行銷、人力資源、運輸物流、資訊管理等：組織的經營與管理。', 'https://collego.edu.tw', 16),
    ('university', '17', '財經學群', '經濟、財務金融、會計、國際貿易、保險等：資金與市場的運作。', 'https://collego.edu.tw', 17),
    ('university', '18', '遊憩與運動學群', '體育、運動科學、休閒遊憩、觀光餐旅等：運動與休閒產業。', 'https://collego.edu.tw', 18),
    ('vocational', '01', '機械群', '機械加工、製圖、機電整合等。', 'https://www.techadmi.edu.tw', 101),
    ('vocational', '02', '動力機械群', '汽車、機車、飛機等動力機械的原理與維修。', 'https://www.techadmi.edu.tw', 102),
    ('vocational', '03', '電機與電子群電機類', '電機、電力、自動控制等。', 'https://www.techadmi.edu.tw', 103),
    ('vocational', '04', '電機與電子群資電類', '電子、資訊、通訊等。', 'https://www.techadmi.edu.tw', 104),
    ('vocational', '05', '化工群', '化學工程、化學分析與材料等。', 'https://www.techadmi.edu.tw', 105),
    ('vocational', '06', '土木與建築群', '土木、建築、測量與營建等。', 'https://www.techadmi.edu.tw', 106),
    ('vocational', '07', '設計群', '商業設計、工業設計、多媒體設計、室內設計等。', 'https://www.techadmi.edu.tw', 107),
    ('vocational', '08', '工程與管理類', '工業工程與管理等（工科各群學生皆可報考）。', 'https://www.techadmi.edu.tw', 108),
    ('vocational', '09', '商業與管理群', '會計、資料處理、國際貿易、商業經營等。', 'https://www.techadmi.edu.tw', 109),
    ('vocational', '10', '衛生與護理類', '護理、醫事、健康照護等。', 'https://www.techadmi.edu.tw', 110),
    ('vocational', '11', '食品群', '食品加工、食品科學與烘焙等。', 'https://www.techadmi.edu.tw', 111),
    ('vocational', '12', '家政群幼保類', '幼兒保育、幼兒教育等。', 'https://www.techadmi.edu.tw', 112),
    ('vocational', '13', '家政群生活應用類', '美容、時尚、服裝、生活應用等。', 'https://www.techadmi.edu.tw', 113),
    ('vocational', '14', '農業群', '農業生產、園藝、森林、畜牧等。', 'https://www.techadmi.edu.tw', 114),
    ('vocational', '15', '外語群英語類', '應用英語等。', 'https://www.techadmi.edu.tw', 115),
    ('vocational', '16', '外語群日語類', '應用日語等。', 'https://www.techadmi.edu.tw', 116),
    ('vocational', '17', '餐旅群', '餐飲管理、觀光、旅館、休閒等。', 'https://www.techadmi.edu.tw', 117),
    ('vocational', '18', '海事群', '航海、輪機等。', 'https://www.techadmi.edu.tw', 118),
    ('vocational', '19', '水產群', '水產養殖、水產食品等。', 'https://www.techadmi.edu.tw', 119),
    ('vocational', '20', '藝術群影視類', '電影、電視、多媒體影音製作等。', 'https://www.techadmi.edu.tw', 120);
