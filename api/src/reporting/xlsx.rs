//! The reports' workbooks, written with `rust_xlsxwriter`: one worksheet per [`Sheet`], a bold
//! header row frozen in place, column widths from the content, ROC dates. Every text is written
//! as a string cell — never a formula, whatever it starts with (`=`, `+`, `-`, `@`).

use actix_web::http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::HttpResponse;
use chrono::NaiveDate;
use rust_xlsxwriter::{Color, Format, Workbook, Worksheet, XlsxError};

use crate::error::{ApiError, ApiResult};

/// The media type of an .xlsx workbook.
pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub use crate::http::XlsxFile;

/// One cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(i64),
    /// A date, shown in the ROC calendar (`115/03/02`, as the school's documents write it).
    Date(NaiveDate),
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

impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Cell {
        Cell::Date(d)
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

/// A valid, unique worksheet name: at most 31 UTF-16 units, none of `[]:*?/\\`, no leading or
/// trailing `'`, unique ignoring case (Excel's rules, which `rust_xlsxwriter` checks).
fn sheet_name(name: &str, index: usize, taken: &[String]) -> String {
    let mut cleaned = String::new();
    for c in name.chars().filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\')) {
        if cleaned.encode_utf16().count() + c.len_utf16() > 31 {
            break;
        }
        cleaned.push(c);
    }
    let cleaned = cleaned.trim_matches('\'').to_string();
    let free = |n: &str| !taken.iter().any(|t| t.to_lowercase() == n.to_lowercase());
    if !cleaned.is_empty() && free(&cleaned) {
        return cleaned;
    }
    (index + 1..).map(|n| format!("Sheet{n}")).find(|n| free(n)).unwrap_or_default()
}

/// Display width of a text: East Asian characters count twice.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 }).sum()
}

fn cell_width(cell: &Cell) -> usize {
    match cell {
        Cell::Text(s) => s.lines().map(display_width).max().unwrap_or(0),
        Cell::Number(n) => n.to_string().len(),
        Cell::Date(_) => 9,
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

/// The most characters (UTF-16 units) an Excel cell holds; a longer text is cut there rather than failing the
/// whole download.
const MAX_TEXT: usize = 32_767;

fn text(s: &str) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > MAX_TEXT {
            return &s[..i];
        }
    }
    s
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet, name: &str, bold: &Format) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    for (i, w) in column_widths(sheet).iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }
    for (i, h) in sheet.header.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => ws.write_string(r, c, text(s))?,
                Cell::Number(n) => ws.write_number(r, c, *n as f64)?,
                Cell::Date(d) => ws.write_string(r, c, crate::time::roc_date(*d))?,
                Cell::Empty => ws,
            };
        }
    }
    Ok(())
}

/// The .xlsx bytes of a workbook with `sheets` (at least one; an empty list gets one empty sheet).
pub fn workbook(sheets: &[Sheet]) -> ApiResult<Vec<u8>> {
    let fallback = [Sheet::new("Sheet1", Vec::new())];
    let sheets = if sheets.is_empty() { &fallback[..] } else { sheets };
    let bold = Format::new().set_bold().set_background_color(Color::RGB(0xD9E1F2));
    let mut book = Workbook::new();
    let mut names: Vec<String> = Vec::new();
    let fail = |e: XlsxError| ApiError::internal(format!("writing xlsx: {e}"));
    for (i, s) in sheets.iter().enumerate() {
        let name = sheet_name(&s.name, i, &names);
        write_sheet(book.add_worksheet(), s, &name, &bold).map_err(fail)?;
        names.push(name);
    }
    book.save_to_buffer().map_err(fail)
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
    use std::io::{Cursor, Read};

    use calamine::{Data, Reader, Xlsx};

    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
        let mut out = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        assert_eq!(sheet_name("未認證/教師?", 0, &[]), "未認證教師");
        assert_eq!(sheet_name("a", 1, &["a".to_string()]), "Sheet2");
        assert_eq!(sheet_name(&"x".repeat(40), 0, &[]).len(), 31);
        assert_eq!(sheet_name(&"😀".repeat(20), 0, &[]).chars().count(), 15);
        assert_eq!(sheet_name("A", 1, &["a".to_string(), "Sheet2".to_string()]), "Sheet3");
    }

    #[test]
    fn widths_count_chinese_twice_and_stay_in_bounds() {
        let mut s = Sheet::new("s", vec!["教師姓名", "n"]);
        s.rows.push(vec![Cell::from("王大明"), Cell::from(123456)]);
        s.rows.push(vec![Cell::from("x".repeat(100)), Cell::Empty]);
        assert_eq!(column_widths(&s), vec![60.0, 8.0]);
    }

    #[test]
    fn worksheet_has_a_bold_frozen_header_strings_numbers_and_roc_dates() {
        let mut s = Sheet::new("名單", vec!["姓名", "數量", "日期"]);
        s.rows.push(vec![Cell::from("A&B"), Cell::from(3), Cell::from(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())]);
        s.rows.push(vec![Cell::from(" x"), Cell::Empty, Cell::Empty]);
        s.rows.push(vec![Cell::from("=cmd|' /C calc'!A0"), Cell::from("+1+1"), Cell::from("@SUM(A1)")]);
        let bytes = workbook(&[s]).unwrap();
        let xml = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(xml.contains("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"), "{xml}");
        assert!(xml.contains("<cols>") && xml.contains("customWidth=\"1\""), "column widths: {xml}");
        assert!(!xml.contains("<f>"), "no formula anywhere: {xml}");
        assert!(part(&bytes, "xl/styles.xml").contains("<b/>"));

        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("名單").unwrap();
        let cells: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        let text = |s: &str| Data::String(s.to_string());
        assert_eq!(cells[0], vec![text("姓名"), text("數量"), text("日期")]);
        assert_eq!(cells[1], vec![text("A&B"), Data::Float(3.0), text("115/03/02")]);
        assert_eq!(cells[2][0], text(" x"));
        assert_eq!(cells[3], vec![text("=cmd|' /C calc'!A0"), text("+1+1"), text("@SUM(A1)")], "formula-looking texts stay strings");
    }

    #[test]
    fn an_overlong_text_is_cut_at_the_excel_limit() {
        let mut s = Sheet::new("s", vec!["a"]);
        s.rows.push(vec![Cell::from("字".repeat(MAX_TEXT + 5))]);
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(workbook(&[s]).unwrap())).unwrap();
        let range = book.worksheet_range("s").unwrap();
        assert_eq!(range.get((1, 0)), Some(&Data::String("字".repeat(MAX_TEXT))));
    }

    #[test]
    fn workbook_has_every_sheet_in_order() {
        let bytes = workbook(&[Sheet::new("一", vec!["a"]), Sheet::new("二", vec!["b"]), Sheet::new("一", vec!["c"])]).unwrap();
        let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["一", "二", "Sheet3"]);
        let empty: Xlsx<_> = Xlsx::new(Cursor::new(workbook(&[]).unwrap())).unwrap();
        assert_eq!(empty.sheet_names(), ["Sheet1"]);
    }
}
