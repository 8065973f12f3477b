// `journalpress verify` and `journalpress archive-copy`: the integrity control of the
// archive (Положение 6.x: an electronic signature, at least two carriers). A year folder
// is intact when every file matches MANIFEST.sha256, no file was added or removed, the
// manifest's detached signature holds and every PDF's embedded signature holds.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace jp {

/// The year folders under `dir`: itself if it holds MANIFEST.sha256, else its
/// subfolders (or those of `dir/archive`) that do. Throws if there are none.
std::vector<std::filesystem::path> archive_folders(const std::filesystem::path& dir);

struct FolderCheck {
  std::vector<std::string> problems;  ///< one line per problem, naming the file
  size_t files = 0, pdfs = 0;
  std::string signer;       ///< of the manifest signature
  std::string fingerprint;  ///< SHA-256 of the manifest signer's certificate
  /// One line per signed file whose signature holds: who signed, when, and whether a
  /// time-stamping authority vouches for the time (`5a~journal.pdf: signed by ...`).
  std::vector<std::string> signatures;
};
/// Checks one year folder. `ca_pem`: trusted certificates (empty: signatures are checked
/// with the certificate they carry, the signer is not checked against a CA).
/// `expect_fingerprint`: if given, the SHA-256 of the certificate that must have signed the
/// manifest and every PDF (--expect-signer); another signer is a problem.
/// `tsa_ca_pem`: the CA of trusted time-stamping authorities (empty: a time stamp is checked
/// against itself only).
FolderCheck check_archive_folder(const std::filesystem::path& folder, const std::string& ca_pem,
                                 const std::string& expect_fingerprint = "",
                                 const std::string& tsa_ca_pem = "");

/// The fingerprint --expect-signer names: `value` is a certificate file (PEM) or a SHA-256
/// fingerprint in hex (colons and case ignored). Throws if it is neither.
std::string expected_signer(const std::string& value);

struct VerifyOptions {
  std::string dir, ca, expect_signer, tsa_ca;
};
int run_verify(const VerifyOptions& o, std::ostream& out);

struct ArchiveCopyOptions {
  std::string dir, ca, expect_signer, tsa_ca;
  std::vector<std::string> destinations;
};
/// Copies each year folder to every destination (into a temporary folder that is renamed
/// into place only once the copy verifies) and verifies each copy.
int run_archive_copy(const ArchiveCopyOptions& o, std::ostream& out);

}  // namespace jp
