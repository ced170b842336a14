use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    limit_retained_memory();
    let cli = licheng::cli::Cli::parse();
    match licheng::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("licheng: {e}");
            ExitCode::FAILURE
        }
    }
}

/// glibc raises its mmap threshold after freeing a large block, so afterwards the 19 MiB that
/// each password hash needs (and the buffers of big uploads) come from thread arenas that keep
/// them: a sign-in surge would leave hundreds of MB resident. A fixed threshold of 1 MiB makes
/// every large block a mapping of its own that goes back to the system when freed.
fn limit_retained_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator tuning; called once before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
