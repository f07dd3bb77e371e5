//! The `xianfeng` binary: all the work is in the library; see `xianfeng::cli`.

// The build allocates many small strings and JSON values on every thread; mimalloc keeps
// rayon's workers from contending on glibc's allocator locks.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    xianfeng::cli::run()
}
