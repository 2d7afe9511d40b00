// cf-convert: inspect and convert HF transformers checkpoints (see src/model/hf_tool.h).
#include "model/hf_tool.h"

int main(int argc, char** argv) { return cf::convert_tool_main(argc, argv); }
