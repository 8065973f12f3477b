#include "helpers.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace jp::test {

std::string base_journal(const std::string& extra) {
  nlohmann::ordered_json all = nlohmann::ordered_json::object();
  for (const char* f : {"school.json", "people.json", "journal.json"}) {
    std::ifstream in(std::string(JP_SOURCE_DIR) + "/tests/corpus/base/" + f);
    auto j = nlohmann::ordered_json::parse(in);
    for (auto it = j.begin(); it != j.end(); ++it) all[it.key()] = it.value();
  }
  std::string text = all.dump(1);
  if (!extra.empty()) {
    // Replace sections named in `extra` by parsing it as an object and overriding.
    auto add = nlohmann::ordered_json::parse("{" + extra + "}");
    for (auto it = add.begin(); it != add.end(); ++it) all[it.key()] = it.value();
    text = all.dump(1);
  }
  return text;
}

std::vector<std::string> diagnose(const std::string& text, bool checks) {
  Diagnostics d;
  Journal j = load_journal_text("j.json", text, d);
  if (j.all_files_read) validate(j, d);
  if (checks && d.errors() == 0) check_regulations(j, d);
  std::vector<std::string> r;
  for (const auto& x : d.all()) r.push_back(format(x));
  return r;
}

std::vector<std::string> matching(const std::vector<std::string>& all, const std::string& needle) {
  std::vector<std::string> r;
  for (const auto& s : all)
    if (s.find(needle) != std::string::npos) r.push_back(s);
  return r;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::filesystem::path temp_path(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() /
           ("jp-test-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(p);
  return p;
}

std::string run_command(const std::string& cmd) {
  auto out = temp_path("command-output");
  int rc = std::system((cmd + " > " + out.string() + " 2>/dev/null").c_str());
  std::string text = slurp(out);
  std::filesystem::remove(out);
  return std::to_string(WEXITSTATUS(rc)) + "\n" + text;
}

}  // namespace jp::test
