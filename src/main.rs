fn main() -> std::process::ExitCode {
    xianfeng::cli::run()
}
