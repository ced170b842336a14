//! Links inside a learning result's PDF (meeting 003 #32: 「課程學習成果的文件中，不允許有連結」),
//! found by plain scanning of the file's bytes — no PDF library:
//!
//! - link annotations and actions: `/URI` (with its target when it is a literal or hex string)
//!   and `/Launch`, in the file as written and inside FlateDecode streams (PDF 1.5 object
//!   streams keep annotations compressed);
//! - URL text (`http://`, `https://`, `ftp://`, `www.`) in the text that page content streams
//!   show: the literal and hex strings of `Tj`, `TJ`, `'` and `"`, joined within one text object
//!   so that a URL split over kerned pieces is still found.
//!
//! Not detected: text drawn with fonts whose codes are not ASCII (many CID fonts in CJK
//! documents), URLs in images, streams with filters other than FlateDecode (or with a
//! predictor), encrypted PDFs, and links reached through indirect objects only
//! (`/URI 12 0 R` is reported as "URI 連結" without its target). Metadata (XMP, the document
//! information dictionary) is not treated as shown text: producers put their own addresses there.

use std::io::Read;

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::storage::FileKind;

use super::form::{Form, Slot};

/// Most bytes one stream may inflate to, and all streams together (against compression bombs).
const MAX_STREAM: u64 = 8 << 20;
const MAX_TOTAL: usize = 64 << 20;

/// One link found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A `/URI` action, with its target when readable.
    Uri(Option<String>),
    /// A `/Launch` action (opens a file or program).
    Launch,
    /// A URL in the shown text.
    Text(String),
}

impl Found {
    /// How the student is told (zh-TW; URLs as they are).
    pub fn label_zh(&self) -> String {
        match self {
            Found::Uri(Some(u)) => u.clone(),
            Found::Uri(None) => "URI 連結".into(),
            Found::Launch => "開啟檔案或程式的連結（Launch）".into(),
            Found::Text(u) => u.clone(),
        }
    }

    pub fn label_en(&self) -> String {
        match self {
            Found::Uri(Some(u)) | Found::Text(u) => u.clone(),
            Found::Uri(None) => "a URI link".into(),
            Found::Launch => "a link that opens a file or program (Launch)".into(),
        }
    }
}

/// Refuses a learning result whose PDF document has links (meeting 003 #32), naming them; images
/// and videos are not read. Reads the sealed file off the event loop.
pub async fn refuse_in_document(form: &Form) -> ApiResult<()> {
    let Some(doc) = form.files.get(&Slot::Document).filter(|d| d.sealed.stored().kind == FileKind::Pdf) else { return Ok(()) };
    let path = doc.sealed.path().to_path_buf();
    let found = actix_web::web::block(move || std::fs::read(path).map(|bytes| find_in_pdf(&bytes)))
        .await
        .map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?
        .map_err(|e| ApiError::internal(format!("reading the uploaded document: {e}")))?;
    if found.is_empty() {
        return Ok(());
    }
    let shown = |label: fn(&Found) -> String, sep: &str| {
        let mut list: Vec<String> = found.iter().take(5).map(label).collect();
        if found.len() > 5 {
            list.push("…".into());
        }
        list.join(sep)
    };
    let (zh, en) = (shown(Found::label_zh, "、"), shown(Found::label_en, ", "));
    Err(ApiError::with_detail(
        ErrorCode::ValidationFailed,
        format!("課程學習成果的文件中不可有連結，請移除後再上傳。文件中找到 {} 個連結：{zh}", found.len()),
        format!("A learning result's document must not contain links; remove them and upload again. Found {}: {en}", found.len()),
    )
    .field("document", format!("文件中有連結：{zh}"), format!("the document contains links: {en}")))
}

/// The links in a PDF's bytes, each once, in the order found.
pub fn find_in_pdf(pdf: &[u8]) -> Vec<Found> {
    let mut found = Vec::new();
    actions(pdf, &mut found);
    let mut total = 0usize;
    for (dict, data) in streams(pdf) {
        if is_metadata(dict) {
            continue;
        }
        let decoded;
        let body: &[u8] = match filter(dict) {
            Filter::None => data,
            Filter::Flate => match inflate(data) {
                Some(d) => {
                    total += d.len();
                    decoded = d;
                    &decoded
                }
                None => continue,
            },
            Filter::Other => continue,
        };
        if total > MAX_TOTAL {
            break;
        }
        actions(body, &mut found);
        shown_urls(body, &mut found);
    }
    // Each address once, whether it was a link's target, shown text or both.
    let mut unique: Vec<Found> = Vec::new();
    for f in found {
        if !unique.iter().any(|u| u.label_zh() == f.label_zh()) {
            unique.push(f);
        }
    }
    // A `/URI` whose target was read makes the bare "URI 連結" of the same action redundant.
    if unique.iter().any(|f| matches!(f, Found::Uri(Some(_)))) {
        unique.retain(|f| *f != Found::Uri(None));
    }
    unique
}

fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace() || b"()<>[]{}/%".contains(&b)
}

/// Positions where the name `name` (e.g. `/URI`) occurs as a whole token.
fn name_positions<'a>(bytes: &'a [u8], name: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    memchr_all(bytes, name).filter(move |&i| bytes.get(i + name.len()).is_none_or(|&b| is_delimiter(b)))
}

fn memchr_all<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = hay.get(from..)?.windows(needle.len()).position(|w| w == needle)? + from;
        from = at + 1;
        Some(at)
    })
}

/// `/URI` and `/Launch` names: link annotations' actions.
fn actions(bytes: &[u8], found: &mut Vec<Found>) {
    for i in name_positions(bytes, b"/URI") {
        let mut j = i + 4;
        while bytes.get(j).is_some_and(|b| b.is_ascii_whitespace()) {
            j += 1;
        }
        match bytes.get(j) {
            Some(b'(') => found.push(Found::Uri(Some(printable(&literal(bytes, j).0)))),
            Some(b'<') if bytes.get(j + 1) != Some(&b'<') => found.push(Found::Uri(Some(printable(&hex(bytes, j).0)))),
            // `/S /URI` names the action's type; its target follows as another `/URI`.
            _ => found.push(Found::Uri(None)),
        }
    }
    if name_positions(bytes, b"/Launch").next().is_some() {
        found.push(Found::Launch);
    }
}

fn printable(raw: &[u8]) -> String {
    let s: String = String::from_utf8_lossy(raw).chars().filter(|c| !c.is_control()).take(200).collect();
    s.trim().to_string()
}

/// A literal string starting at `(`: its bytes (escapes resolved) and the position after it.
fn literal(bytes: &[u8], start: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'(' => {
                if depth > 0 {
                    out.push(b);
                }
                depth += 1;
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return (out, i + 1);
                }
                out.push(b);
            }
            b'\\' => {
                i += 1;
                match bytes.get(i) {
                    Some(b'n') => out.push(b'\n'),
                    Some(b'r') => out.push(b'\r'),
                    Some(b't') => out.push(b'\t'),
                    Some(b'b') => out.push(8),
                    Some(b'f') => out.push(12),
                    Some(d @ b'0'..=b'7') => {
                        let mut v = u32::from(d - b'0');
                        for _ in 0..2 {
                            match bytes.get(i + 1) {
                                Some(e @ b'0'..=b'7') => {
                                    v = v * 8 + u32::from(e - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push((v & 0xff) as u8);
                    }
                    Some(b'\r') | Some(b'\n') => {}
                    Some(&c) => out.push(c),
                    None => break,
                }
            }
            _ => out.push(b),
        }
        i += 1;
    }
    (out, i)
}

/// A hex string starting at `<`: its bytes and the position after it.
fn hex(bytes: &[u8], start: usize) -> (Vec<u8>, usize) {
    let mut digits = Vec::new();
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        if b == b'>' {
            break;
        }
        if let Some(d) = (b as char).to_digit(16) {
            digits.push(d as u8);
        }
    }
    if digits.len() % 2 == 1 {
        digits.push(0);
    }
    (digits.chunks(2).map(|p| p[0] * 16 + p[1]).collect(), i)
}

/// Text-showing strings of a content stream, joined per text object (`BT` … `ET`); URLs in them.
/// Strings outside text objects (dictionaries in object streams, names) are not shown text.
fn shown_urls(content: &[u8], found: &mut Vec<Found>) {
    let mut text = Vec::new();
    let mut in_text = false;
    let mut i = 0;
    let operator = |at: usize, op: &[u8]| {
        content[at..].starts_with(op)
            && (at == 0 || is_delimiter(content[at - 1]))
            && content.get(at + op.len()).is_none_or(|&c| is_delimiter(c))
    };
    while let Some(&b) = content.get(i) {
        match b {
            b'(' | b'<' if content.get(i + 1) != Some(&b'<') || b == b'(' => {
                let (s, next) = if b == b'(' { literal(content, i) } else { hex(content, i) };
                if in_text {
                    text.extend_from_slice(&s);
                }
                i = next;
                continue;
            }
            b'%' => {
                while content.get(i).is_some_and(|&c| c != b'\n' && c != b'\r') {
                    i += 1;
                }
                continue;
            }
            b'B' if operator(i, b"BT") => in_text = true,
            b'E' if operator(i, b"ET") => {
                urls_in_text(&decode_shown(&text), found);
                text.clear();
                in_text = false;
            }
            // A new line or position (', ", T*, Td, TD, Tm) separates words, and so does a wide
            // gap in a TJ array (TeX and others set spaces as a negative kerning of -200 or so).
            b'\'' | b'"' if in_text => text.push(b' '),
            b'T' if in_text && [&b"T*"[..], b"Td", b"TD", b"Tm"].iter().any(|op| operator(i, op)) => text.push(b' '),
            b'-' if in_text => {
                let end = content[i + 1..].iter().position(|b| !(b.is_ascii_digit() || *b == b'.')).map_or(content.len(), |p| p + i + 1);
                if std::str::from_utf8(&content[i + 1..end]).ok().and_then(|n| n.parse::<f64>().ok()).is_some_and(|gap| gap >= 180.0) {
                    text.push(b' ');
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    urls_in_text(&decode_shown(&text), found);
}

/// Shown bytes as text: UTF-16BE when it says so (a byte-order mark, or a zero high byte in
/// most pairs, as Unicode fonts' codes for ASCII are), else Latin-1.
fn decode_shown(bytes: &[u8]) -> String {
    let pairs = bytes.len() / 2;
    let zero_high = bytes.chunks_exact(2).filter(|p| p[0] == 0).count();
    if bytes.starts_with(&[0xFE, 0xFF]) || (pairs >= 2 && bytes.len() % 2 == 0 && zero_high * 4 >= pairs * 3) {
        let units: Vec<u16> = bytes.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    bytes.iter().map(|&b| b as char).collect()
}

/// URLs in plain text: `http://`, `https://`, `ftp://` and `www.` up to a space or bracket.
pub fn urls_in_text(text: &str, found: &mut Vec<Found>) {
    let lower = text.to_ascii_lowercase();
    let mut starts: Vec<usize> = ["http://", "https://", "ftp://", "www."].iter().flat_map(|p| lower.match_indices(p).map(|(i, _)| i)).collect();
    starts.sort_unstable();
    let mut covered = 0;
    for start in starts {
        if start < covered {
            continue;
        }
        let rest = &text[start..];
        let end = rest.find(|c: char| c.is_whitespace() || "()<>[]{}\"'，。、　".contains(c)).unwrap_or(rest.len());
        let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
        if url.len() > 4 {
            found.push(Found::Text(url.chars().take(120).collect()));
        }
        covered = start + end;
    }
}

/// Each stream's dictionary and raw data (between `stream` and `endstream`).
fn streams(pdf: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = pdf.get(from..).and_then(|rest| rest.windows(6).position(|w| w == b"stream")).map(|p| p + from) {
        from = at + 6;
        // `endstream` also contains `stream`; a stream keyword follows the dictionary's `>>`.
        let before = &pdf[..at];
        let trimmed = before.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |p| p + 1);
        if trimmed < 2 || &before[trimmed - 2..trimmed] != b">>" {
            continue;
        }
        let dict_start = before[..trimmed].windows(3).rposition(|w| w == b"obj").map_or(0, |p| p + 3);
        let dict = &before[dict_start..trimmed];
        let mut data_start = at + 6;
        if pdf.get(data_start) == Some(&b'\r') {
            data_start += 1;
        }
        if pdf.get(data_start) == Some(&b'\n') {
            data_start += 1;
        }
        let Some(end) = pdf.get(data_start..).and_then(|rest| rest.windows(9).position(|w| w == b"endstream")).map(|p| p + data_start) else { break };
        out.push((dict, &pdf[data_start..end]));
        from = end + 9;
    }
    out
}

enum Filter {
    None,
    Flate,
    Other,
}

fn filter(dict: &[u8]) -> Filter {
    let Some(at) = name_positions(dict, b"/Filter").next() else { return Filter::None };
    let mut i = at + 7;
    let skip_ws = |i: &mut usize| {
        while dict.get(*i).is_some_and(|b| b.is_ascii_whitespace()) {
            *i += 1;
        }
    };
    let name = |i: &mut usize| -> &[u8] {
        let start = *i;
        *i += 1;
        while dict.get(*i).is_some_and(|&b| !is_delimiter(b)) {
            *i += 1;
        }
        &dict[start..*i]
    };
    skip_ws(&mut i);
    // One name, or an array of names.
    let mut names = Vec::new();
    if dict.get(i) == Some(&b'[') {
        i += 1;
        loop {
            skip_ws(&mut i);
            if dict.get(i) != Some(&b'/') {
                break;
            }
            names.push(name(&mut i));
        }
    } else if dict.get(i) == Some(&b'/') {
        names.push(name(&mut i));
    }
    if names != [b"/FlateDecode"] || name_positions(dict, b"/Predictor").next().is_some() {
        return Filter::Other;
    }
    Filter::Flate
}

/// XMP metadata, embedded files' and images' data are not page text.
fn is_metadata(dict: &[u8]) -> bool {
    [&b"/Metadata"[..], b"/XML", b"/Image", b"/EmbeddedFile", b"/FontFile", b"/FontFile2", b"/FontFile3"]
        .iter()
        .any(|n| name_positions(dict, n).next().is_some())
        || memchr_all(dict, b"/Length1").next().is_some()
}

/// Inflates a zlib stream, up to [`MAX_STREAM`] bytes; what decodes before an error counts.
fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut decoder = flate2::read::ZlibDecoder::new(data).take(MAX_STREAM);
    match decoder.read_to_end(&mut out) {
        Ok(_) => Some(out),
        Err(_) if !out.is_empty() => Some(out),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn stream_obj(n: u32, dict: &str, data: &[u8]) -> Vec<u8> {
        let mut v = format!("{n} 0 obj\n<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        v.extend_from_slice(data);
        v.extend_from_slice(b"\nendstream\nendobj\n");
        v
    }

    #[test]
    fn a_plain_pdf_has_no_links() {
        let mut pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n".to_vec();
        pdf.extend(stream_obj(4, "", b"BT /F1 12 Tf 72 700 Td (Reading notes, chapter 3.) Tj ET"));
        // Producers and XMP name their own addresses: not the student's links.
        pdf.extend(stream_obj(5, "/Type /Metadata /Subtype /XML", b"<x:xmpmeta xmlns:x='adobe:ns:meta/' xmlns:dc='http://purl.org/dc/elements/1.1/'/>"));
        pdf.extend(b"6 0 obj\n<< /Producer (PDFsharp 1.50 \\(www.pdfsharp.com\\)) >>\nendobj\n");
        assert_eq!(find_in_pdf(&pdf), vec![]);
    }

    #[test]
    fn link_annotations_plain_and_in_object_streams() {
        let mut pdf = b"%PDF-1.4\n7 0 obj\n<< /Type /Annot /Subtype /Link /A << /S /URI /URI (https://example.com/a\\)b) >> >>\nendobj\n".to_vec();
        pdf.extend(b"8 0 obj\n<< /Type /Annot /Subtype /Link /A << /S /Launch /F (run.exe) >> >>\nendobj\n");
        assert_eq!(find_in_pdf(&pdf), vec![Found::Uri(Some("https://example.com/a)b".into())), Found::Launch]);
        let objstm = deflate(b"9 0 << /Type /Annot /Subtype /Link /A << /S /URI /URI <687474703A2F2F782E7477> >> >>");
        let pdf = [b"%PDF-1.5\n".to_vec(), stream_obj(10, "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", &objstm)].concat();
        assert_eq!(find_in_pdf(&pdf), vec![Found::Uri(Some("http://x.tw".into()))]);
        // An action whose target is elsewhere is still a link.
        assert_eq!(find_in_pdf(b"%PDF-1.4\n<< /A << /S /URI /URI 12 0 R >> >>"), vec![Found::Uri(None)]);
    }

    #[test]
    fn url_text_in_shown_strings_even_when_split_or_compressed() {
        let content = deflate(b"BT /F1 12 Tf [(See htt) -20 (ps://exa) 10 (mple.org/x.) ] TJ ET BT (visit WWW.Moe.gov.tw) Tj ET");
        let pdf = [b"%PDF-1.5\n".to_vec(), stream_obj(4, "/Filter /FlateDecode", &content)].concat();
        assert_eq!(find_in_pdf(&pdf), vec![Found::Text("https://example.org/x".into()), Found::Text("WWW.Moe.gov.tw".into())]);
        // A word space set as a kerning gap ends the address.
        let pdf = [b"%PDF-1.5\n".to_vec(), stream_obj(4, "", b"BT [(see) -250 (www.a.tw) -333 (next) 20 (page)] TJ ET")].concat();
        assert_eq!(find_in_pdf(&pdf), vec![Found::Text("www.a.tw".into())]);
        // UTF-16BE text (a Unicode font's codes shown as hex).
        let hexed: String = "\u{FEFF}見 www.a.tw".encode_utf16().map(|u| format!("{u:04X}")).collect();
        let pdf = [b"%PDF-1.5\n".to_vec(), stream_obj(4, "", format!("BT <{hexed}> Tj ET").as_bytes())].concat();
        assert_eq!(find_in_pdf(&pdf), vec![Found::Text("www.a.tw".into())]);
        // Images are not read as text; a broken stream is skipped, not a failure.
        let pdf = [b"%PDF-1.5\n".to_vec(), stream_obj(4, "/Subtype /Image /Filter /DCTDecode", b"(http://in.image)"), stream_obj(5, "/Filter /FlateDecode", b"not zlib")].concat();
        assert_eq!(find_in_pdf(&pdf), vec![]);
    }
}
