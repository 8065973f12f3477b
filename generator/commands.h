// The command line: parses arguments with CLI11 and runs one command.
#pragma once

namespace jp {

/// Runs the CLI; returns the process exit code. Environment failures are thrown
/// and caught in main.
int run_cli(int argc, char** argv);

}  // namespace jp
