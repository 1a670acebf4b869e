// The words of a command line: how dust splits a typed line (quotes, backslashes) and how a
// one-shot's arguments become a line. Pure text, used by the command table and by dust's front.
#pragma once
#include <string>
#include <vector>

namespace dust::shell {

// One word of a command line: as typed (quotes kept, for the target language, which has quotes of
// its own: tags="a:b":c) and unquoted (for every other argument).
struct Word {
  std::string raw;
  std::string text;
};

// Splits a line at blanks outside quotes. 'single' quotes keep everything literally; in "double"
// quotes and outside quotes a backslash escapes the next character. Quotes may join parts of a word
// (Name='my node' is one word, Name=my node). Throws UsageError on an unclosed quote.
std::vector<Word> split_words(const std::string& line);
// The line a one-shot's arguments (`dust get -r web "" dir`) stand for, for split_words: one
// argument is a whole line as typed; of several, each stays one word (an empty one, one with blanks
// or a lone quote is quoted or escaped), unless it reads as one word already with quotes of its own
// (a target such as tags="a b":c), or the line goes to nodes or the local shell as typed (@, !),
// which join their words with blanks as ssh does.
std::string one_shot_line(const std::vector<std::string>& args);
// Where the first word of `line` ends by the same rules (the first blank outside quotes), or npos.
// An unclosed quote runs to the end of the line.
size_t first_word_end(const std::string& line);

}  // namespace dust::shell
