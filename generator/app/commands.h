// The command line: parses arguments with CLI11 and runs one command.
#pragma once

#include <string>

namespace jp {

/// Empty if `url` may be the site's public address (--base-url): http or https only;
/// otherwise what is wrong with it.
std::string check_base_url(const std::string& url);

/// Runs the CLI; returns the process exit code. Environment failures are thrown
/// and caught in main.
int run_cli(int argc, char** argv);

}  // namespace jp
