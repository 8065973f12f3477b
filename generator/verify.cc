#include "verify.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "secrets.h"
#include "sign.h"

namespace jp {
namespace fs = std::filesystem;

namespace {

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string read_ca(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("--ca: cannot read {}", path));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool has_manifest(const fs::path& d) {
  std::error_code ec;
  return fs::is_regular_file(d / "MANIFEST.sha256", ec);
}

}  // namespace

std::vector<fs::path> archive_folders(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw std::runtime_error(fmt::format("{} is not a folder", dir.string()));
  if (has_manifest(dir)) return {dir};
  std::vector<fs::path> found;
  for (const fs::path& base : {dir, dir / "archive"}) {
    if (!fs::is_directory(base, ec)) continue;
    for (const auto& e : fs::directory_iterator(base))
      if (e.is_directory() && has_manifest(e.path())) found.push_back(e.path());
  }
  std::sort(found.begin(), found.end());
  if (found.empty())
    throw std::runtime_error(
        fmt::format("{}: no MANIFEST.sha256 here or in its year folders (is it an archive made by "
                    "`journalpress build --archive`?)",
                    dir.string()));
  return found;
}

FolderCheck check_archive_folder(const fs::path& folder, const std::string& ca_pem) {
  FolderCheck r;
  std::string manifest = read_bytes(folder / "MANIFEST.sha256");
  std::map<std::string, std::string> listed;
  std::istringstream in(manifest);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.size() < 67 || line.compare(64, 2, "  ") != 0 ||
        line.find_first_not_of("0123456789abcdef") < 64) {
      r.problems.push_back(fmt::format(
          "MANIFEST.sha256 line {}: expected `<64 hex digits>  <file name>`, got \"{}\"", n, line));
      continue;
    }
    listed[line.substr(66)] = line.substr(0, 64);
  }
  std::error_code ec;
  if (!fs::exists(folder / "MANIFEST.sha256.p7s", ec)) {
    r.problems.push_back("MANIFEST.sha256.p7s: missing (the manifest is not signed)");
  } else {
    auto c = check_detached(manifest, read_bytes(folder / "MANIFEST.sha256.p7s"), ca_pem);
    r.signer = c.signer;
    if (!c.ok) r.problems.push_back("MANIFEST.sha256: " + c.problem);
  }
  std::set<std::string> present;
  for (const auto& e : fs::recursive_directory_iterator(folder)) {
    if (!e.is_regular_file()) continue;
    std::string rel = fs::relative(e.path(), folder).generic_string();
    if (rel == "MANIFEST.sha256" || rel == "MANIFEST.sha256.p7s") continue;
    present.insert(rel);
  }
  for (const auto& rel : present) {
    ++r.files;
    auto it = listed.find(rel);
    std::string bytes = read_bytes(folder / rel);
    if (it == listed.end())
      r.problems.push_back(rel + ": added (not in MANIFEST.sha256)");
    else if (sha256_hex(bytes) != it->second)
      r.problems.push_back(rel + ": changed (its SHA-256 differs from MANIFEST.sha256)");
    if (rel.size() > 4 && rel.compare(rel.size() - 4, 4, ".pdf") == 0) {
      ++r.pdfs;
      auto c = check_pdf_signature(bytes, ca_pem);
      if (!c.ok) r.problems.push_back(rel + ": embedded signature: " + c.problem);
    }
  }
  for (const auto& [rel, hash] : listed)
    if (!present.count(rel)) r.problems.push_back(rel + ": removed (listed in MANIFEST.sha256)");
  return r;
}

int run_verify(const VerifyOptions& o, std::ostream& out) {
  std::string ca = read_ca(o.ca);
  int bad = 0;
  for (const auto& folder : archive_folders(o.dir)) {
    FolderCheck c = check_archive_folder(folder, ca);
    for (const auto& p : c.problems) out << folder.string() << "/" << p << "\n";
    if (c.problems.empty())
      out << fmt::format(
          "{}: intact: {} files match MANIFEST.sha256, {} PDF signatures and the manifest's "
          "signature are valid (signer {}{})\n",
          folder.string(), c.files, c.pdfs, c.signer,
          ca.empty() ? "; not checked against a CA: give --ca to check who signed"
                     : ", trusted by --ca");
    else
      out << fmt::format("{}: NOT intact: {} problem{}\n", folder.string(), c.problems.size(),
                         c.problems.size() == 1 ? "" : "s");
    bad += c.problems.empty() ? 0 : 1;
  }
  return bad ? 1 : 0;
}

int run_archive_copy(const ArchiveCopyOptions& o, std::ostream& out) {
  std::string ca = read_ca(o.ca);
  auto folders = archive_folders(o.dir);
  // A damaged archive is not copied: its copies would carry the damage as if it were true.
  for (const auto& folder : folders) {
    FolderCheck c = check_archive_folder(folder, ca);
    if (!c.problems.empty()) {
      for (const auto& p : c.problems) out << folder.string() << "/" << p << "\n";
      throw std::runtime_error(fmt::format(
          "{} is not intact ({} problems): not copied; restore it from a good copy first",
          folder.string(), c.problems.size()));
    }
  }
  int bad = 0;
  for (const auto& dest : o.destinations) {
    fs::create_directories(dest);
    for (const auto& folder : folders) {
      std::string name = folder.filename().string();
      fs::path tmp = fs::path(dest) / (".jp-copy-" + name),
               old = fs::path(dest) / (".jp-old-" + name);
      fs::path target = fs::path(dest) / name;
      std::error_code ec;
      fs::remove_all(tmp, ec);
      fs::copy(folder, tmp, fs::copy_options::recursive);
      FolderCheck c = check_archive_folder(tmp, ca);
      if (!c.problems.empty()) {
        for (const auto& p : c.problems) out << target.string() << "/" << p << "\n";
        out << fmt::format("{}: the copy does NOT verify; the destination was left as it was\n",
                           target.string());
        fs::remove_all(tmp, ec);
        ++bad;
        continue;
      }
      // Swap in the verified copy; an older copy is removed only after the swap.
      fs::remove_all(old, ec);
      if (fs::exists(target, ec)) fs::rename(target, old);
      fs::rename(tmp, target);
      fs::remove_all(old, ec);
      out << fmt::format("{}: copied and verified ({} files, {} signed PDFs)\n", target.string(),
                         c.files + 2, c.pdfs);
    }
  }
  return bad ? 1 : 0;
}

}  // namespace jp
