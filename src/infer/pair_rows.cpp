#include "infer/pair_rows.h"

namespace cf::infer {
namespace {

std::string id_bytes(const std::vector<int32_t>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(int32_t));
}

}  // namespace

Shard pair_shard(const std::vector<PairRow>& rows) {
  std::vector<std::string> sid, item, task, answer, reference, question, model, prompt, chosen, rejected, jpeg;
  std::vector<int64_t> closed, carried, round, regen, item_row, frame;
  std::vector<float> ref_c, ref_r;
  for (size_t r = 0; r < rows.size(); ++r) {
    const PairRow& p = rows[r];
    sid.push_back(p.sample_id);
    item.push_back(p.item_id);
    task.push_back(p.task);
    answer.push_back(p.answer);
    reference.push_back(p.reference);
    question.push_back(p.question);
    model.push_back(p.model);
    prompt.push_back(id_bytes(p.prompt));
    chosen.push_back(id_bytes(p.chosen));
    rejected.push_back(id_bytes(p.rejected));
    closed.push_back(p.closed);
    carried.push_back(p.carried);
    round.push_back(p.round);
    regen.push_back(p.regenerated);
    ref_c.push_back(p.ref_chosen);
    ref_r.push_back(p.ref_rejected);
    for (size_t f = 0; f < p.images.size(); ++f) {
      item_row.push_back(static_cast<int64_t>(r));
      frame.push_back(static_cast<int64_t>(f));
      jpeg.push_back(p.images[f]);
    }
  }
  Shard sh;
  Table& t = sh.items;
  t.put_bytes("sample_id", sid);
  t.put_bytes("item_id", item);
  t.put_bytes("task", task);
  t.put_i64("closed", closed);
  t.put_bytes("prompt_ids", prompt);
  t.put_bytes("chosen_ids", chosen);
  t.put_bytes("rejected_ids", rejected);
  t.put_f32("ref_logp_chosen", ref_c);
  t.put_f32("ref_logp_rejected", ref_r);
  t.put_bytes("question", question);    // the cf-eval answers-file columns (docs/stages/eval.md):
  t.put_bytes("reference", reference);  //   the dataset's answer (chosen) as text,
  t.put_bytes("answer", answer);        //   the model's answer (rejected) as text,
  t.put_bytes("generated", answer);     //   the same text under the name the pairs format gives it,
  t.put_bytes("model", model);          //   and the model tag
  t.put_i64("carried", carried);
  t.put_i64("round", round);
  t.put_i64("regenerated", regen);
  Table& img = sh.tables["images"];
  img.put_i64("item_row", item_row);
  img.put_i64("frame_index", frame);
  img.put_bytes("image", jpeg, false);
  return sh;
}

}  // namespace cf::infer
