// The access letters as an `Output` (publish/output.h): a PDF per class of notices to the
// guardians who read the diary electronically, each with the address of the family's area
// (Положение 3.10: the address is the key, so letters/ is owner-only like private/).
//
// A letter is due once per address: a run prints the letters of addresses never printed
// (a new family, an address revoked since), each dated the day it is first printed, and
// records them in the journal database; the classes' files without a new letter are left
// as they are. `--letters --all` prints every current address again, each with the date
// it was first printed.
#pragma once

#include <map>
#include <string>

#include "print/render_pdf_letters.h"
#include "publish/output.h"

namespace jp {

struct LettersSettings {
  std::string site_key;  ///< raw key bytes
  std::string base_url;  ///< the public address of site/ (required: letters print it)
  std::string school_id;
  bool all = false;  ///< every current address, not only those never printed
  bool encrypted = false;  ///< the site's encrypted mode: the addresses carry the family key
};

class LettersOutput : public Output {
 public:
  explicit LettersOutput(LettersSettings s) : s_(std::move(s)) {}
  std::string name() const override { return "letters"; }
  std::vector<PublishedFolder> folders() const override;
  /// Reads the addresses' state (their epochs, the letters printed) for the fingerprint.
  void prepare(BuildContext& ctx) override;
  /// The version and templates, the journal, the day, the key and the address, the
  /// addresses' epochs and which of them were printed: a night with nothing new reads no
  /// journal. The fingerprint recorded is that of the state the run leaves (its letters
  /// counted as printed), so the next run with nothing new is up to date.
  std::string fingerprint() const override { return fingerprint_; }
  std::string depends_on() const override {
    return "journal, date, key, addresses printed and templates";
  }
  bool may_be_empty() const override { return true; }  // no address was ever due
  void check(BuildContext& ctx, const DiaryIndex& ix) override;
  void render(BuildContext& ctx, const DiaryIndex& ix) override;

 private:
  /// The fingerprint with the letters printed being `issued` (guardian -> epoch).
  std::string fingerprint_with(const std::map<std::string, long long>& issued) const;

  LettersSettings s_;
  std::string fixed_;  ///< the fingerprint's part that the run does not change
  std::map<std::string, long long> issued_;  ///< guardian -> epoch of the letter printed
  std::string fingerprint_;
  std::vector<LetterBatch> batches_;  ///< what this run prints (check)
  std::vector<std::pair<std::string, long long>> new_;  ///< (guardian, epoch) printed first now
  size_t current_ = 0;  ///< every current address
};

}  // namespace jp
