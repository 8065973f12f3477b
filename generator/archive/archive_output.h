// Output 2 as an `Output` (publish/output.h): the year folder, signed. The signer is
// loaded and checked in prepare(), before any work (Положение 6.x); the folder is up to
// date when the journal, the date, the templates and the signing certificate are those of
// its last complete build.
#pragma once

#include <memory>
#include <string>

#include "archive/cms.h"
#include "publish/output.h"

namespace jp {

class ArchiveOutput : public Output {
 public:
  /// `year_label`: the stored year's label (the folder's name is made from it).
  ArchiveOutput(SignerOptions signer, long long ds, std::string year_label)
      : signer_options_(std::move(signer)), ds_(ds), year_label_(std::move(year_label)) {}
  std::string name() const override { return "archive"; }
  bool prepared_first() const override { return true; }
  void prepare(BuildContext& ctx) override;
  std::vector<PublishedFolder> folders() const override;
  std::string fingerprint() const override { return fingerprint_; }
  std::string depends_on() const override {
    return "journal, date, templates and signing certificate";
  }
  void render(BuildContext& ctx, const DiaryIndex& ix) override;

 private:
  SignerOptions signer_options_;
  long long ds_;  ///< the dataset in the journal database
  std::string year_label_, fingerprint_;
  std::unique_ptr<Signer> signer_;
};

}  // namespace jp
