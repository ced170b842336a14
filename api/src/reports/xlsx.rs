//! A small Office Open XML (.xlsx) writer for the reports: one worksheet per [`Sheet`], a bold
//! frozen header row, inline strings and numbers, column widths from the content. Enough for
//! Excel, LibreOffice and Google Sheets; no shared strings, formulas or dates.

use std::io::{Cursor, Write};

use actix_web::http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::HttpResponse;
use utoipa::ToSchema;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::error::{ApiError, ApiResult};

/// The media type of an .xlsx workbook.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An .xlsx workbook (documentation type of the download responses).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct XlsxFile(pub Vec<u8>);

/// One cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(i64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Number(n)
    }
}

impl From<i32> for Cell {
    fn from(n: i32) -> Cell {
        Cell::Number(n.into())
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map(Into::into).unwrap_or(Cell::Empty)
    }
}

/// One worksheet: its tab name, the header row and the data rows.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn new(name: impl Into<String>, header: Vec<&'static str>) -> Sheet {
        Sheet { name: name.into(), header, rows: Vec::new() }
    }
}

/// `A`, `B`, … `Z`, `AA`, … for a zero-based column index.
pub fn column_name(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8_lossy(&name).into_owned()
}

/// Text escaped for XML content and attributes; characters XML 1.0 forbids are dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A valid, unique worksheet name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str, index: usize, taken: &[String]) -> String {
    let cleaned: String = name.chars().filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\')).take(31).collect();
    let cleaned = cleaned.trim_matches('\'').to_string();
    if cleaned.is_empty() || taken.contains(&cleaned) {
        format!("Sheet{}", index + 1)
    } else {
        cleaned
    }
}

/// Display width of a text: East Asian characters count twice.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 }).sum()
}

fn cell_width(cell: &Cell) -> usize {
    match cell {
        Cell::Text(s) => s.lines().map(display_width).max().unwrap_or(0),
        Cell::Number(n) => n.to_string().len(),
        Cell::Empty => 0,
    }
}

/// Column widths (in characters) fitting the header and the content, between 6 and 60.
pub fn column_widths(sheet: &Sheet) -> Vec<f64> {
    let columns = sheet.rows.iter().map(Vec::len).chain(std::iter::once(sheet.header.len())).max().unwrap_or(0);
    (0..columns)
        .map(|i| {
            let header = sheet.header.get(i).map(|h| display_width(h)).unwrap_or(0);
            let content = sheet.rows.iter().filter_map(|r| r.get(i)).map(cell_width).max().unwrap_or(0);
            (header.max(content) + 2).clamp(6, 60) as f64
        })
        .collect()
}

fn text_cell(out: &mut String, reference: &str, text: &str, style: u8) {
    let space = if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) { " xml:space=\"preserve\"" } else { "" };
    let style = if style > 0 { format!(" s=\"{style}\"") } else { String::new() };
    out.push_str(&format!("<c r=\"{reference}\"{style} t=\"inlineStr\"><is><t{space}>{}</t></is></c>", escape(text)));
}

/// The worksheet XML of one sheet.
pub fn worksheet_xml(sheet: &Sheet) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">",
    );
    let widths = column_widths(sheet);
    let last_row = sheet.rows.len() + 1;
    if !widths.is_empty() {
        out.push_str(&format!("<dimension ref=\"A1:{}{last_row}\"/>", column_name(widths.len() - 1)));
    }
    out.push_str(
        "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>\
<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>",
    );
    if !widths.is_empty() {
        out.push_str("<cols>");
        for (i, w) in widths.iter().enumerate() {
            out.push_str(&format!("<col min=\"{n}\" max=\"{n}\" width=\"{w}\" customWidth=\"1\"/>", n = i + 1));
        }
        out.push_str("</cols>");
    }
    out.push_str("<sheetData><row r=\"1\">");
    for (i, h) in sheet.header.iter().enumerate() {
        text_cell(&mut out, &format!("{}1", column_name(i)), h, 1);
    }
    out.push_str("</row>");
    for (r, row) in sheet.rows.iter().enumerate() {
        let n = r + 2;
        out.push_str(&format!("<row r=\"{n}\">"));
        for (i, cell) in row.iter().enumerate() {
            let reference = format!("{}{n}", column_name(i));
            match cell {
                Cell::Text(s) => text_cell(&mut out, &reference, s, 0),
                Cell::Number(v) => out.push_str(&format!("<c r=\"{reference}\"><v>{v}</v></c>")),
                Cell::Empty => {}
            }
        }
        out.push_str("</row>");
    }
    out.push_str("</sheetData></worksheet>");
    out
}

const RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
</Relationships>";

const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>\
<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>\
<fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill>\
<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFD9E1F2\"/><bgColor indexed=\"64\"/></patternFill></fill></fills>\
<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
<xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\"/></cellXfs>\
<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>\
</styleSheet>";

fn content_types(sheets: usize) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>",
    );
    for i in 1..=sheets {
        out.push_str(&format!(
            "<Override PartName=\"/xl/worksheets/sheet{i}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        ));
    }
    out.push_str("</Types>");
    out
}

fn workbook_xml(names: &[String]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
<bookViews><workbookView/></bookViews><sheets>",
    );
    for (i, name) in names.iter().enumerate() {
        out.push_str(&format!("<sheet name=\"{}\" sheetId=\"{n}\" r:id=\"rId{n}\"/>", escape(name), n = i + 1));
    }
    out.push_str("</sheets></workbook>");
    out
}

fn workbook_rels(sheets: usize) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    for i in 1..=sheets {
        out.push_str(&format!(
            "<Relationship Id=\"rId{i}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>"
        ));
    }
    out.push_str(&format!(
        "<Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>",
        sheets + 1
    ));
    out.push_str("</Relationships>");
    out
}

/// The .xlsx bytes of a workbook with `sheets` (at least one; an empty list gets one empty sheet).
pub fn workbook(sheets: &[Sheet]) -> ApiResult<Vec<u8>> {
    let fallback = [Sheet::new("Sheet1", Vec::new())];
    let sheets = if sheets.is_empty() { &fallback[..] } else { sheets };
    let mut names: Vec<String> = Vec::new();
    for (i, s) in sheets.iter().enumerate() {
        let name = sheet_name(&s.name, i, &names);
        names.push(name);
    }
    let fail = |e: &dyn std::fmt::Display| ApiError::internal(format!("writing xlsx: {e}"));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let part = |zip: &mut ZipWriter<Cursor<Vec<u8>>>, path: &str, text: &str| -> ApiResult<()> {
        zip.start_file(path, options).map_err(|e| fail(&e))?;
        zip.write_all(text.as_bytes()).map_err(|e| fail(&e))
    };
    part(&mut zip, "[Content_Types].xml", &content_types(sheets.len()))?;
    part(&mut zip, "_rels/.rels", RELS)?;
    part(&mut zip, "xl/workbook.xml", &workbook_xml(&names))?;
    part(&mut zip, "xl/_rels/workbook.xml.rels", &workbook_rels(sheets.len()))?;
    part(&mut zip, "xl/styles.xml", STYLES)?;
    for (i, sheet) in sheets.iter().enumerate() {
        part(&mut zip, &format!("xl/worksheets/sheet{}.xml", i + 1), &worksheet_xml(sheet))?;
    }
    let cursor = zip.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}

/// A download response: the workbook as an attachment named `name` (UTF-8, e.g. Chinese) with
/// the ASCII `fallback` for old clients.
pub fn attachment(bytes: Vec<u8>, name: &str, fallback: &str) -> HttpResponse {
    let ascii: String = fallback.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue { charset: Charset::Ext("UTF-8".into()), language_tag: None, value: name.as_bytes().to_vec() }),
        ],
    };
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .insert_header(disposition)
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(escape("a<b>&\"c'\u{1}\n"), "a&lt;b&gt;&amp;&quot;c&apos;\n");
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        assert_eq!(sheet_name("未認證/教師?", 0, &[]), "未認證教師");
        assert_eq!(sheet_name("a", 1, &["a".to_string()]), "Sheet2");
        assert_eq!(sheet_name(&"x".repeat(40), 0, &[]).len(), 31);
    }

    #[test]
    fn widths_count_chinese_twice_and_stay_in_bounds() {
        let mut s = Sheet::new("s", vec!["教師姓名", "n"]);
        s.rows.push(vec![Cell::from("王大明"), Cell::from(123456)]);
        s.rows.push(vec![Cell::from("x".repeat(100)), Cell::Empty]);
        assert_eq!(column_widths(&s), vec![60.0, 8.0]);
    }

    #[test]
    fn worksheet_has_a_bold_frozen_header_inline_strings_and_numbers() {
        let mut s = Sheet::new("s", vec!["姓名", "數量"]);
        s.rows.push(vec![Cell::from("A&B"), Cell::from(3)]);
        s.rows.push(vec![Cell::from(" x"), Cell::Empty]);
        let xml = worksheet_xml(&s);
        assert!(xml.contains("state=\"frozen\""));
        assert!(xml.contains("<c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>姓名</t></is></c>"));
        assert!(xml.contains("<c r=\"A2\" t=\"inlineStr\"><is><t>A&amp;B</t></is></c><c r=\"B2\"><v>3</v></c>"));
        assert!(xml.contains("<t xml:space=\"preserve\"> x</t>"));
        assert!(xml.contains("<dimension ref=\"A1:B3\"/>"));
    }

    #[test]
    fn workbook_is_a_zip_with_every_part() {
        let bytes = workbook(&[Sheet::new("一", vec!["a"]), Sheet::new("二", vec!["b"])]).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        for part in ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"] {
            assert!(names.iter().any(|n| n == part), "{part} missing in {names:?}");
        }
        let mut wb = String::new();
        zip.by_name("xl/workbook.xml").unwrap().read_to_string(&mut wb).unwrap();
        assert!(wb.contains("<sheet name=\"一\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"二\" sheetId=\"2\" r:id=\"rId2\"/>"));
    }
}
