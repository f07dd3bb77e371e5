//! The `xianfeng` binary: all the work is in the library; see `xianfeng::cli`.

// The build allocates many small strings and JSON values on every thread; mimalloc keeps
// rayon's workers from contending on glibc's allocator locks. Built with `no_thp`: with
// transparent huge pages a partly used 2 MiB page is resident (and zeroed) whole, which cost
// 30-50 MiB of peak memory on a 10,000-case build.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    xianfeng::cli::run()
}
