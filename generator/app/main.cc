// journalpress: publishes a school's electronic class journal. See docs/manual.md.
#include <exception>
#include <iostream>

#include "app/commands.h"

int main(int argc, char** argv) {
  try {
    return jp::run_cli(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "journalpress: error: " << e.what() << "\n";
    return 2;
  }
}
