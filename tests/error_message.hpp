// The message of an exception, for tests that check what a parser says.
#pragma once
#include <string>

namespace loopcert::testing {

// The what() text of the exception of type E that `action` throws ("" if it throws none;
// another exception type propagates and fails the test).
template <typename E, typename Action>
std::string message_of(Action&& action) {
  try {
    action();
  } catch (const E& error) {
    return error.what();
  }
  return "";
}

}  // namespace loopcert::testing
