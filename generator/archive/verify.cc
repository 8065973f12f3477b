#include "archive/verify.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "archive/cms.h"
#include "archive/pdf_sign.h"
#include "core/files.h"
#include "core/hash.h"
#include "core/unique_fd.h"

namespace jp {
namespace fs = std::filesystem;

namespace {

std::string read_bytes(const fs::path& p) { return read_file(p.string(), "file"); }

std::string read_ca(const std::string& path, const char* what = "--ca file") {
  if (path.empty()) return {};
  return read_file(path, what);
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

std::string expected_signer(const std::string& value) {
  std::error_code ec;
  if (fs::is_regular_file(value, ec))
    return certificate_fingerprint(read_bytes(value), "--expect-signer " + value);
  std::string hex;
  for (char c : value) {
    if (c == ':') continue;
    char l = char(std::tolower(static_cast<unsigned char>(c)));
    if (!std::isxdigit(static_cast<unsigned char>(l))) hex += 'x';  // not a fingerprint
    hex += l;
  }
  if (hex.size() != 64 || hex.find('x') != std::string::npos)
    throw std::runtime_error(fmt::format(
        "--expect-signer: expected a certificate file (PEM) or a SHA-256 fingerprint of 64 hex "
        "digits, got \"{}\"",
        value));
  return hex;
}

namespace {

/// What a non-file entry of an archive folder is, for the report.
const char* odd_kind(const fs::file_status& st) {
  switch (st.type()) {
    case fs::file_type::directory:
      return "a folder";
    case fs::file_type::symlink:
      return "a symbolic link";
    case fs::file_type::fifo:
      return "a FIFO";
    case fs::file_type::socket:
      return "a socket";
    case fs::file_type::block:
    case fs::file_type::character:
      return "a device";
    default:
      return "not a regular file";
  }
}

}  // namespace

namespace {

/// `5a~journal.pdf: signed by CN=...; time-stamped 2024-05-30 12:00:01 UTC by CN=TSA
/// (trusted by --tsa-ca)`, or `...; signing time 2024-05-30 12:00:00 UTC (the signer's own
/// clock: not time-stamped)`.
std::string describe_signature(const std::string& file, const PdfSignatureCheck& c) {
  std::string when =
      c.time_stamped   ? fmt::format("time-stamped {} by {} ({})", utc_text(c.stamp_time), c.tsa,
                                   c.tsa_trusted ? "trusted by --tsa-ca" : c.stamp_note)
      : c.signing_time ? fmt::format("signing time {} (the signer's own clock: not time-stamped)",
                                     utc_text(c.signing_time))
                       : std::string("no signing time, not time-stamped");
  return fmt::format("{}: signed by {}; {}", file, c.signer, when);
}

}  // namespace

FolderCheck check_archive_folder(const fs::path& folder, const std::string& ca_pem,
                                 const std::string& expect_fingerprint,
                                 const std::string& tsa_ca_pem) {
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
    auto c =
        check_detached(manifest, read_bytes(folder / "MANIFEST.sha256.p7s"), ca_pem, tsa_ca_pem);
    r.signer = c.signer;
    r.fingerprint = c.fingerprint;
    if (!c.ok) r.problems.push_back("MANIFEST.sha256: " + c.problem);
    if (c.ok) r.signatures.push_back(describe_signature("MANIFEST.sha256.p7s", c));
    if (c.ok && !expect_fingerprint.empty() && c.fingerprint != expect_fingerprint)
      r.problems.push_back(fmt::format(
          "MANIFEST.sha256.p7s: signed by {} (certificate SHA-256 {}), not by the signer "
          "--expect-signer names ({})",
          c.signer, c.fingerprint, expect_fingerprint));
  }
  std::set<std::string> present;
  // Only regular files are read: a FIFO named x.pdf would hang the check, a link could
  // lead anywhere; both, and folders that hold no listed file, are reported.
  for (auto it = fs::recursive_directory_iterator(folder); it != fs::end(it); ++it) {
    std::string rel = fs::relative(it->path(), folder).generic_string();
    fs::file_status st = it->symlink_status();
    if (fs::is_regular_file(st)) {
      if (rel != "MANIFEST.sha256" && rel != "MANIFEST.sha256.p7s") present.insert(rel);
      continue;
    }
    if (fs::is_directory(st)) {
      bool holds_listed = false;
      for (const auto& [path, hash] : listed)
        holds_listed = holds_listed || path.rfind(rel + "/", 0) == 0;
      if (holds_listed) continue;
      it.disable_recursion_pending();
    }
    r.problems.push_back(
        fmt::format("{}: {}, not a file (the archive holds only files)", rel, odd_kind(st)));
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
      auto c = check_pdf_signature(bytes, ca_pem, tsa_ca_pem);
      if (!c.ok) r.problems.push_back(rel + ": embedded signature: " + c.problem);
      if (c.ok) r.signatures.push_back(describe_signature(rel, c));
      if (c.ok && !expect_fingerprint.empty() && c.fingerprint != expect_fingerprint)
        r.problems.push_back(fmt::format(
            "{}: embedded signature: signed by {} (certificate SHA-256 {}), not by the signer "
            "--expect-signer names",
            rel, c.signer, c.fingerprint));
    }
  }
  for (const auto& [rel, hash] : listed)
    if (!present.count(rel)) r.problems.push_back(rel + ": removed (listed in MANIFEST.sha256)");
  return r;
}

namespace {

/// Copies one file, checking every write and the final fsync and close: a full carrier
/// often shows only there, and libstdc++'s copy reported it as "Input/output error".
/// Throws with the file and the system's reason ("No space left on device").
void copy_file_checked(const fs::path& from, const fs::path& to) {
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in)
    throw std::runtime_error(
        fmt::format("cannot read {}: {}", from.string(), std::strerror(errno)));
  UniqueFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!out)
    throw std::runtime_error(
        fmt::format("cannot create {}: {}", to.string(), std::strerror(errno)));
  char buf[1 << 16];
  int err = 0;
  const char* what = "write";
  for (;;) {
    ssize_t n = ::read(in.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno, what = "read";
      break;
    }
    if (n == 0) break;
    for (ssize_t done = 0; done < n && !err;) {
      ssize_t w = ::write(out.get(), buf + done, size_t(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0)
        err = errno;
      else
        done += w;
    }
    if (err) break;
  }
  if (!err && ::fsync(out.get()) != 0) err = errno;
  if (!out.close() && !err) err = errno;
  if (err)
    throw std::runtime_error(fmt::format(
        "cannot {} {}: {}", what, (what[0] == 'r' ? from : to).string(), std::strerror(err)));
}

/// Copies a year folder (files and the folders that hold them).
void copy_folder_checked(const fs::path& from, const fs::path& to) {
  fs::create_directory(to);
  for (const auto& e : fs::directory_iterator(from)) {
    fs::path target = to / e.path().filename();
    if (e.is_directory())
      copy_folder_checked(e.path(), target);
    else
      copy_file_checked(e.path(), target);
  }
}

}  // namespace

int run_verify(const VerifyOptions& o, std::ostream& out) {
  std::string ca = read_ca(o.ca);
  std::string tsa_ca = read_ca(o.tsa_ca, "--tsa-ca file");
  std::string expect = o.expect_signer.empty() ? "" : expected_signer(o.expect_signer);
  int bad = 0;
  for (const auto& folder : archive_folders(o.dir)) {
    FolderCheck c = check_archive_folder(folder, ca, expect, tsa_ca);
    for (const auto& s : c.signatures) out << folder.string() << "/" << s << "\n";
    for (const auto& p : c.problems) out << folder.string() << "/" << p << "\n";
    if (c.problems.empty()) {
      out << fmt::format(
          "{}: intact: {} files match MANIFEST.sha256, {} PDF signatures and the manifest's "
          "signature are valid (signer {}{})\n",
          folder.string(), c.files, c.pdfs, c.signer,
          !ca.empty()       ? ", trusted by --ca"
          : !expect.empty() ? ", as --expect-signer says"
                            : "");
      // A valid signature proves only that someone signed: whoever changed a file can
      // re-sign the manifest with a key of their own. Say so, plainly, on its own line.
      if (ca.empty() && expect.empty())
        out << fmt::format(
            "{}: the signer was NOT checked: signed by {} (certificate SHA-256 {}); anyone can "
            "re-sign an archive with a key of their own: give --ca or --expect-signer to check "
            "who signed\n",
            folder.string(), c.signer, c.fingerprint);
    } else {
      out << fmt::format("{}: NOT intact: {} problem{}\n", folder.string(), c.problems.size(),
                         c.problems.size() == 1 ? "" : "s");
    }
    bad += c.problems.empty() ? 0 : 1;
  }
  return bad ? 1 : 0;
}

int run_archive_copy(const ArchiveCopyOptions& o, std::ostream& out) {
  std::string ca = read_ca(o.ca);
  std::string tsa_ca = read_ca(o.tsa_ca, "--tsa-ca file");
  std::string expect = o.expect_signer.empty() ? "" : expected_signer(o.expect_signer);
  auto folders = archive_folders(o.dir);
  // A damaged archive is not copied: its copies would carry the damage as if it were true.
  for (const auto& folder : folders) {
    FolderCheck c = check_archive_folder(folder, ca, expect, tsa_ca);
    if (!c.problems.empty()) {
      for (const auto& p : c.problems) out << folder.string() << "/" << p << "\n";
      throw std::runtime_error(fmt::format(
          "{} is not intact ({} problems): not copied; restore it from a good copy first",
          folder.string(), c.problems.size()));
    }
  }
  // A destination inside the archive (or the archive itself) copied into itself until the
  // path was too long: refused before anything is copied.
  for (const auto& dest : o.destinations) {
    std::string d = resolve_path(dest);
    for (const auto& folder : folders) {
      std::string src = resolve_path(folder.string());
      std::string target = resolve_path((fs::path(dest) / folder.filename()).string());
      if (path_within(d, src) || path_within(src, target))
        throw std::runtime_error(fmt::format(
            "{}: the destination {} the archive folder it would copy ({}); a copy goes to "
            "another folder, best on another carrier. Nothing was copied",
            dest, path_within(d, src) ? (d == src ? "is" : "lies inside") : "would replace", src));
    }
  }
  int bad = 0;
  for (const auto& dest : o.destinations) {
    std::error_code ec;
    fs::create_directories(dest, ec);
    if (ec) {
      out << fmt::format("{}: cannot create the folder: {}; not copied there\n", dest,
                         ec.message());
      ++bad;
      continue;
    }
    for (const auto& folder : folders) {
      std::string name = folder.filename().string();
      fs::path tmp = fs::path(dest) / (".jp-copy-" + name),
               old = fs::path(dest) / (".jp-old-" + name);
      fs::path target = fs::path(dest) / name;
      fs::remove_all(tmp, ec);
      // One carrier failing (full, read-only, unplugged) must not stop the copies to the
      // others: its partial copy is removed, the cause named, and the exit code says so.
      try {
        copy_folder_checked(folder, tmp);
      } catch (const std::exception& e) {
        fs::remove_all(tmp, ec);
        out << fmt::format(
            "{}: NOT copied: {}; the partial copy was removed and the destination "
            "left as it was\n",
            target.string(), e.what());
        ++bad;
        continue;
      }
      FolderCheck c = check_archive_folder(tmp, ca, expect, tsa_ca);
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
      if (fs::exists(target, ec)) fs::rename(target, old, ec);
      if (!ec) fs::rename(tmp, target, ec);
      if (ec) {
        out << fmt::format("{}: NOT copied: cannot put the copy in place: {}\n", target.string(),
                           ec.message());
        fs::remove_all(tmp, ec);
        ++bad;
        continue;
      }
      fs::remove_all(old, ec);
      out << fmt::format("{}: copied and verified ({} files, {} signed PDFs)\n", target.string(),
                         c.files + 2, c.pdfs);
    }
  }
  return bad ? 1 : 0;
}

}  // namespace jp
