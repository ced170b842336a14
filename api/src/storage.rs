//! The file store: uploads are streamed to a temporary file while their SHA-256 is computed and
//! their size checked (cut off as soon as the limit is passed), typed by their magic bytes, then
//! fsynced and renamed into a content-addressed tree `files/ab/cd/<sha256>` — identical content
//! is stored once. A file is only ever visible under its final name once it is complete and
//! durable, so a crash leaves at most a stray temporary file, never a half-written stored one.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The kinds of file Licheng accepts, told apart by content, not by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Pdf,
    Jpg,
    Png,
    Mp3,
    Mp4,
}

impl FileKind {
    pub const ALL: [FileKind; 5] = [FileKind::Pdf, FileKind::Jpg, FileKind::Png, FileKind::Mp3, FileKind::Mp4];

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpg => "jpg",
            FileKind::Png => "png",
            FileKind::Mp3 => "mp3",
            FileKind::Mp4 => "mp4",
        }
    }

    pub fn parse(s: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Mp3 => "audio/mpeg",
            FileKind::Mp4 => "video/mp4",
        }
    }

    /// Documents (pdf, jpg, png) and videos (mp3, mp4), as the rules group them.
    pub const DOCUMENTS: &'static [FileKind] = &[FileKind::Pdf, FileKind::Jpg, FileKind::Png];
    pub const VIDEOS: &'static [FileKind] = &[FileKind::Mp3, FileKind::Mp4];

    /// The kind the first bytes of a file show, if any.
    pub fn sniff(head: &[u8]) -> Option<FileKind> {
        if head.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileKind::Png)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpg)
        } else if head.len() >= 12 && &head[4..8] == b"ftyp" {
            Some(FileKind::Mp4)
        } else if head.starts_with(b"ID3") || (head.len() >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && (head[1] & 0x06) != 0) {
            Some(FileKind::Mp3)
        } else {
            None
        }
    }
}

/// A stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Lower-case hex SHA-256 of the content (also its name in the store).
    pub sha256: String,
    pub size: u64,
    pub kind: FileKind,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the file is empty")]
    Empty,
    #[error("the file's content is not an accepted type")]
    WrongType { found: Option<FileKind> },
    #[error("storage: {0}")]
    Io(#[from] std::io::Error),
}

/// Uploads gather in a block-aligned buffer of this size (direct I/O needs aligned memory,
/// offsets and lengths) and reach the disk each time it is full. With 64 uploads at once the
/// buffers hold 16 MiB.
const BUFFER: usize = 256 * 1024;

/// The alignment direct I/O asks for (the largest logical block size in use).
const ALIGN: usize = 4096;

/// When the file system refuses direct I/O (tmpfs), writes go through the page cache in pieces
/// of this size: measured on the benchmark machine, 64 KiB writes copy into the page cache 3–4×
/// cheaper in CPU than writes of 256 KiB or more.
const BUFFERED_WRITE: usize = 64 * 1024;

/// How many bytes decide the type.
const HEAD: usize = 16;

/// The content-addressed store under a data directory.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

/// One upload being written: feed it chunks, then [`Upload::finish`] it. Dropped unfinished,
/// its temporary file is removed.
///
/// The bytes go to disk with direct I/O where the file system allows it (`O_DIRECT`: no copy
/// into the page cache, which under a deadline surge costs more CPU than hashing and parsing
/// together, and a final fsync with little left to do). They are gathered in a block-aligned
/// buffer and written in whole blocks; the last, partial block is written padded and the file
/// cut to its size before the fsync.
pub struct Upload {
    store: FileStore,
    tmp: PathBuf,
    file: Option<std::fs::File>,
    direct: bool,
    buffer: AlignedBuffer,
    hasher: Sha256,
    size: u64,
    limit: u64,
    head: Vec<u8>,
}

/// A byte buffer whose usable part starts on an [`ALIGN`] boundary (safe code: a larger vector
/// and an offset into it).
struct AlignedBuffer {
    bytes: Vec<u8>,
    start: usize,
    filled: usize,
}

impl AlignedBuffer {
    fn new() -> AlignedBuffer {
        let bytes = vec![0u8; BUFFER + ALIGN];
        let start = bytes.as_ptr().align_offset(ALIGN).min(ALIGN);
        AlignedBuffer { bytes, start, filled: 0 }
    }

    /// Copies as much of `data` as fits; returns how much.
    fn fill(&mut self, data: &[u8]) -> usize {
        let n = data.len().min(BUFFER - self.filled);
        let at = self.start + self.filled;
        self.bytes[at..at + n].copy_from_slice(&data[..n]);
        self.filled += n;
        n
    }

    fn full(&self) -> bool {
        self.filled == BUFFER
    }

    /// The first `len` buffered bytes.
    fn slice(&self, len: usize) -> &[u8] {
        &self.bytes[self.start..self.start + len]
    }

    /// Drops the first `len` bytes, moving the rest to the front.
    fn consume(&mut self, len: usize) {
        let from = self.start + len;
        self.bytes.copy_within(from..self.start + self.filled, self.start);
        self.filled -= len;
    }

    /// Zero-fills up to the next block boundary; returns the padded length.
    fn pad(&mut self) -> usize {
        let padded = self.filled.div_ceil(ALIGN) * ALIGN;
        self.bytes[self.start + self.filled..self.start + padded].fill(0);
        padded
    }
}

/// Opens a new temporary file for writing, with direct I/O when the file system allows it.
fn create_new(path: &Path, direct: bool) -> Result<(std::fs::File, bool), std::io::Error> {
    #[cfg(target_os = "linux")]
    if direct {
        use std::os::unix::fs::OpenOptionsExt;
        match std::fs::OpenOptions::new().write(true).create_new(true).custom_flags(libc::O_DIRECT).open(path) {
            Ok(file) => return Ok((file, true)),
            // tmpfs and some others refuse O_DIRECT; the half-created file is opened again below.
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) => {
                let file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).open(path)?;
                return Ok((file, false));
            }
            Err(e) => return Err(e),
        }
    }
    let _ = direct;
    Ok((std::fs::OpenOptions::new().write(true).create_new(true).open(path)?, false))
}

impl FileStore {
    pub fn new(data_dir: &Path) -> FileStore {
        FileStore { root: data_dir.join("files") }
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// `files/ab/cd/abcd…`.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let (a, b) = (sha256.get(0..2).unwrap_or("00"), sha256.get(2..4).unwrap_or("00"));
        self.root.join(a).join(b).join(sha256)
    }

    pub fn exists(&self, sha256: &str) -> bool {
        self.path_of(sha256).is_file()
    }

    /// Starts an upload that may grow to `limit` bytes.
    pub fn begin(&self, limit: u64) -> Result<Upload, StoreError> {
        self.begin_with(limit, true)
    }

    /// [`FileStore::begin`], with direct I/O only if `direct` and the file system allows it.
    fn begin_with(&self, limit: u64, direct: bool) -> Result<Upload, StoreError> {
        std::fs::create_dir_all(self.tmp_dir())?;
        // The owner's pid in the name lets start-up tell abandoned uploads from live ones of
        // another process sharing the directory.
        let tmp = self.tmp_dir().join(format!("{}-{}.part", std::process::id(), uuid::Uuid::new_v4()));
        let (file, direct) = create_new(&tmp, direct)?;
        Ok(Upload {
            store: self.clone(),
            tmp,
            file: Some(file),
            direct,
            buffer: AlignedBuffer::new(),
            hasher: Sha256::new(),
            size: 0,
            limit,
            head: Vec::with_capacity(HEAD),
        })
    }

    /// Hashes a stored file again: true when its content still matches its name.
    pub fn verify(&self, sha256: &str) -> Result<bool, std::io::Error> {
        use std::io::Read;
        let mut file = std::fs::File::open(self.path_of(sha256))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(hex::encode(hasher.finalize()) == sha256)
    }

    /// Removes temporary files left by uploads that never finished: those of processes that are
    /// gone (after a crash) and this process's own. Live uploads of other processes sharing the
    /// directory are left alone.
    pub fn clean_temporary(&self) -> Result<usize, std::io::Error> {
        let me = std::process::id();
        let mut removed = 0;
        for path in self.temporary_files()? {
            let pid = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.split('-').next()).and_then(|p| p.parse::<u32>().ok());
            let abandoned = match pid {
                Some(pid) if pid != me => !Path::new(&format!("/proc/{pid}")).exists(),
                _ => true,
            };
            if abandoned && std::fs::remove_file(&path).is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Temporary files present now (uploads in progress or abandoned).
    pub fn temporary_files(&self) -> Result<Vec<PathBuf>, std::io::Error> {
        match std::fs::read_dir(self.tmp_dir()) {
            Ok(entries) => Ok(entries.flatten().map(|e| e.path()).collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![]),
            Err(e) => Err(e),
        }
    }

    /// The SHA-256 names of every stored file.
    pub fn stored_names(&self) -> Result<Vec<String>, std::io::Error> {
        let mut names = Vec::new();
        let level = |dir: &Path| -> Result<Vec<PathBuf>, std::io::Error> {
            match std::fs::read_dir(dir) {
                Ok(entries) => Ok(entries.flatten().map(|e| e.path()).filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n.len() == 2)).collect()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![]),
                Err(e) => Err(e),
            }
        };
        for a in level(&self.root)? {
            for b in level(&a)? {
                for entry in std::fs::read_dir(&b)?.flatten() {
                    if let Some(name) = entry.file_name().to_str() {
                        if name.len() == 64 && name.chars().all(|c| c.is_ascii_hexdigit()) {
                            names.push(name.to_string());
                        }
                    }
                }
            }
        }
        names.sort();
        Ok(names)
    }

    /// Removes one stored file nothing refers to if it was last written (or re-placed) more than
    /// `age` ago; returns its size when removed. A younger one may belong to an upload whose
    /// transaction has not committed yet.
    pub fn remove_if_older(&self, sha256: &str, age: std::time::Duration) -> Result<Option<u64>, std::io::Error> {
        let path = self.path_of(sha256);
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let modified = meta.modified()?;
        if modified.elapsed().map_or(true, |e| e < age) {
            return Ok(None);
        }
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(Some(meta.len())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl Upload {
    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.size
    }

    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// Appends a chunk; refuses as soon as the limit is passed (nothing more is written). Writes
    /// to the disk whenever enough is buffered (blocking: off the event loop, use
    /// [`Upload::accept`] and [`Upload::flush`]).
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), StoreError> {
        let mut rest = chunk;
        self.check(chunk)?;
        while !rest.is_empty() {
            rest = &rest[self.buffer.fill(rest)..];
            if self.buffer.full() {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// Counts and buffers a chunk without touching the disk; returns the part that did not fit
    /// (write it after [`Upload::flush`]). Refuses as soon as the limit is passed.
    pub fn accept<'a>(&mut self, chunk: &'a [u8]) -> Result<&'a [u8], StoreError> {
        self.check(chunk)?;
        Ok(self.take(chunk))
    }

    /// Buffers what is left of an accepted chunk (already counted).
    pub fn take<'a>(&mut self, rest: &'a [u8]) -> &'a [u8] {
        &rest[self.buffer.fill(rest)..]
    }

    /// Whether enough is buffered to write it out.
    pub fn wants_flush(&self) -> bool {
        self.buffer.full()
    }

    /// Counts a new chunk and keeps its first bytes (hashing happens as the bytes are written, in
    /// [`Upload::flush`], off the event loop).
    fn check(&mut self, chunk: &[u8]) -> Result<(), StoreError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            self.abort();
            return Err(StoreError::TooLarge { limit: self.limit });
        }
        if self.file.is_none() {
            return Err(StoreError::TooLarge { limit: self.limit });
        }
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        Ok(())
    }

    /// Hashes and writes the buffered whole blocks to the file (blocking).
    pub fn flush(&mut self) -> Result<(), StoreError> {
        let whole = self.buffer.filled / ALIGN * ALIGN;
        if whole == 0 {
            return Ok(());
        }
        let Some(file) = self.file.as_mut() else {
            return Err(StoreError::TooLarge { limit: self.limit });
        };
        let data = self.buffer.slice(whole);
        self.hasher.update(data);
        write_out(file, data, self.direct)?;
        self.buffer.consume(whole);
        Ok(())
    }

    /// Checks the type against `allowed`, makes the file durable and moves it to its name.
    pub fn finish(self, allowed: &[FileKind]) -> Result<Stored, StoreError> {
        self.seal(allowed)?.place()
    }

    /// Checks the type against `allowed` and makes the temporary file durable (the slow part:
    /// the data reaches the disk). The sealed file is not yet visible in the store; drop it to
    /// throw it away, or [`Sealed::place`] it.
    pub fn seal(mut self, allowed: &[FileKind]) -> Result<Sealed, StoreError> {
        if self.size == 0 {
            return Err(StoreError::Empty);
        }
        let kind = match FileKind::sniff(&self.head) {
            Some(k) if allowed.contains(&k) => k,
            found => return Err(StoreError::WrongType { found }),
        };
        self.flush()?;
        let mut file = self.file.take().ok_or(StoreError::TooLarge { limit: self.limit })?;
        if self.buffer.filled > 0 {
            self.hasher.update(self.buffer.slice(self.buffer.filled));
            if self.direct {
                // The last, partial block goes out padded; the file is then cut to its size.
                let padded = self.buffer.pad();
                write_out(&mut file, self.buffer.slice(padded), true)?;
                file.set_len(self.size)?;
            } else {
                write_out(&mut file, self.buffer.slice(self.buffer.filled), false)?;
            }
            self.buffer.filled = 0;
        }
        file.sync_all()?;
        drop(file);
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let tmp = std::mem::take(&mut self.tmp);
        Ok(Sealed { store: self.store.clone(), tmp, stored: Stored { sha256, size: self.size, kind } })
    }

    fn abort(&mut self) {
        self.file = None;
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
            self.tmp = PathBuf::new();
        }
    }
}

/// Writes `data` at the file's position: in one go with direct I/O, in cache-friendly pieces
/// through the page cache.
fn write_out(file: &mut std::fs::File, data: &[u8], direct: bool) -> Result<(), std::io::Error> {
    if direct {
        return file.write_all(data);
    }
    for piece in data.chunks(BUFFERED_WRITE) {
        file.write_all(piece)?;
    }
    Ok(())
}

/// A complete, durable upload waiting in the temporary directory for its transaction.
pub struct Sealed {
    store: FileStore,
    tmp: PathBuf,
    stored: Stored,
}

impl Sealed {
    pub fn stored(&self) -> &Stored {
        &self.stored
    }

    /// Where the sealed file waits (to read it before it is placed).
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Moves the file to its content address (a rename and a directory fsync: quick). Identical
    /// content already stored is kept and the copy dropped.
    pub fn place(mut self) -> Result<Stored, StoreError> {
        let target = self.store.path_of(&self.stored.sha256);
        if target.is_file() {
            std::fs::remove_file(&self.tmp)?;
            // Young again: a sweep leaves it alone until this upload's row has committed.
            std::fs::File::options().append(true).open(&target)?.set_modified(std::time::SystemTime::now())?;
        } else {
            let dir = target.parent().map(Path::to_path_buf).unwrap_or_else(|| self.store.root.clone());
            std::fs::create_dir_all(&dir)?;
            std::fs::rename(&self.tmp, &target)?;
            // The rename is durable only once the directory entry is.
            std::fs::File::open(&dir)?.sync_all()?;
        }
        self.tmp = PathBuf::new();
        Ok(self.stored.clone())
    }
}

impl Drop for Sealed {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        self.abort();
    }
}

/// Whether an entry name could escape the folder it is extracted to (zip-slip).
pub fn hostile_name(name: &str) -> bool {
    name.is_empty()
        || name.starts_with('/')
        || name.contains('\\')
        || name.contains('\0')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split('/').any(|p| p == "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names() {
        for n in ["../x", "a/../../x", "/etc/passwd", "C:/x", "a\\b", ""] {
            assert!(hostile_name(n), "{n}");
        }
        assert!(!hostile_name("manifest.json"));
        assert!(!hostile_name("a/b..c"));
    }

    fn pdf(n: usize) -> Vec<u8> {
        let mut v = b"%PDF-1.7\n".to_vec();
        v.resize(n, b'x');
        v
    }

    fn leftovers(store: &FileStore) -> usize {
        std::fs::read_dir(store.tmp_dir()).map(|d| d.count()).unwrap_or(0)
    }

    #[test]
    fn stores_by_content_once_with_its_sha256() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let data = pdf(100_000);
        let mut up = store.begin(4 << 20).unwrap();
        for chunk in data.chunks(8192) {
            up.write(chunk).unwrap();
        }
        let stored = up.finish(FileKind::DOCUMENTS).unwrap();
        assert_eq!(stored.sha256, hex::encode(Sha256::digest(&data)));
        assert_eq!((stored.size, stored.kind), (100_000, FileKind::Pdf));
        assert_eq!(std::fs::read(store.path_of(&stored.sha256)).unwrap(), data);
        assert!(store.verify(&stored.sha256).unwrap());
        // The same content again: the same name, no second copy, no temporary file left.
        let mut again = store.begin(4 << 20).unwrap();
        again.write(&data).unwrap();
        assert_eq!(again.finish(FileKind::DOCUMENTS).unwrap(), stored);
        assert_eq!(leftovers(&store), 0);
    }

    /// Sizes around the block, flush and buffer boundaries, fed in awkward chunk sizes, come out
    /// byte for byte with direct I/O and through the page cache, by both ways of writing.
    #[test]
    fn every_size_is_stored_exactly_with_and_without_direct_io() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        // 9 bytes: the smallest file with a pdf signature.
        let sizes = [9, ALIGN - 1, ALIGN, ALIGN + 1, BUFFER - 1, BUFFER, BUFFER + 1, BUFFER + 7, 3 * BUFFER + ALIGN + 3];
        for direct in [true, false] {
            for (i, &size) in sizes.iter().enumerate() {
                let mut data = pdf(size);
                for (j, b) in data.iter_mut().enumerate().skip(9) {
                    *b = (j * 31 + i * 7 + direct as usize) as u8;
                }
                // The synchronous way (CLI, tests): write() flushes by itself.
                let mut up = store.begin_with(4 << 20, direct).unwrap();
                for chunk in data.chunks(172_515) {
                    up.write(chunk).unwrap();
                }
                let stored = up.finish(FileKind::DOCUMENTS).unwrap();
                assert_eq!(stored.sha256, hex::encode(Sha256::digest(&data)), "size {size}, direct {direct}");
                assert_eq!(std::fs::read(store.path_of(&stored.sha256)).unwrap(), data, "size {size}, direct {direct}");
                std::fs::remove_file(store.path_of(&stored.sha256)).unwrap();
                // The server's way: accept, take what did not fit after each flush.
                let mut up = store.begin_with(4 << 20, direct).unwrap();
                for chunk in data.chunks(65_000) {
                    let mut rest = up.accept(chunk).unwrap();
                    loop {
                        if up.wants_flush() {
                            up.flush().unwrap();
                        }
                        if rest.is_empty() {
                            break;
                        }
                        rest = up.take(rest);
                    }
                }
                assert_eq!(up.len(), data.len() as u64);
                let again = up.finish(FileKind::DOCUMENTS).unwrap();
                assert_eq!(again, stored);
                assert_eq!(std::fs::read(store.path_of(&again.sha256)).unwrap(), data);
                assert!(store.verify(&again.sha256).unwrap());
            }
        }
        assert_eq!(leftovers(&store), 0);
    }

    #[test]
    fn a_file_over_its_limit_is_cut_off_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let mut up = store.begin(10_000).unwrap();
        up.write(&pdf(8_000)).unwrap();
        assert!(matches!(up.write(&[b'x'; 4_000]), Err(StoreError::TooLarge { limit: 10_000 })));
        assert_eq!(leftovers(&store), 0, "the partial file is removed at once");
        assert!(up.write(b"more").is_err());
    }

    #[test]
    fn types_come_from_content_not_names() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let mut up = store.begin(1 << 20).unwrap();
        up.write(b"MZ\x90\x00 this is an exe").unwrap();
        assert!(matches!(up.finish(FileKind::DOCUMENTS), Err(StoreError::WrongType { found: None })));
        let mut video = store.begin(1 << 20).unwrap();
        video.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00").unwrap();
        assert!(matches!(video.finish(FileKind::DOCUMENTS), Err(StoreError::WrongType { found: Some(FileKind::Mp4) })));
        assert!(matches!(store.begin(10).unwrap().finish(FileKind::DOCUMENTS), Err(StoreError::Empty)));
        assert_eq!(leftovers(&store), 0);
        assert_eq!(FileKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(FileKind::Jpg));
        assert_eq!(FileKind::sniff(b"\x89PNG\r\n\x1a\n...."), Some(FileKind::Png));
        assert_eq!(FileKind::sniff(b"ID3\x04"), Some(FileKind::Mp3));
        assert_eq!(FileKind::sniff(&[0xFF, 0xFB, 0x90]), Some(FileKind::Mp3));
    }

    #[test]
    fn a_corrupted_stored_file_fails_verification_and_leftovers_are_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let mut up = store.begin(1 << 20).unwrap();
        up.write(&pdf(1000)).unwrap();
        let stored = up.finish(FileKind::DOCUMENTS).unwrap();
        std::fs::write(store.path_of(&stored.sha256), b"%PDF-tampered").unwrap();
        assert!(!store.verify(&stored.sha256).unwrap());
        // An upload abandoned mid-way (a crash) leaves a temporary file that start-up removes.
        let up = store.begin(1 << 20).unwrap();
        std::mem::forget(up);
        assert_eq!(leftovers(&store), 1);
        assert_eq!(store.clean_temporary().unwrap(), 1);
        assert_eq!(leftovers(&store), 0);
    }
}
