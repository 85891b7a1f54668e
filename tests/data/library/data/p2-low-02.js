// Exam data, registered with the page's registry (written for the recorder's tests).
// Element ids q1..q4, printed as 14..17: the page shows the display numbers.
window.__READING_EXAM_DATA__.register("p2-low-02", {
  schemaVersion: "ReadingExamSourceV1",
  examId: "p2-low-02",
  meta: { title: "The Quiet Orchard", category: "P2" },
  passage: [
    "A. The orchard was planted in 1890 by a schoolteacher who wanted apples for her pupils.",
    "B. By 1950 it had been abandoned, and brambles covered the lower rows.",
    "C. Volunteers cleared it in 2004 and now sell cider to pay for new trees."
  ],
  headings: { i: "A school's harvest", ii: "Years of neglect", iii: "Paid for by cider", iv: "A royal gift" },
  questionOrder: ["q1", "q2", "q3", "q4"],
  questionDisplayMap: { q1: "14", q2: "15", q3: "16", q4: "17" },
  questions: {
    q1: { kind: "heading", paragraph: "A" },
    q2: { kind: "heading", paragraph: "B" },
    q3: { kind: "heading", paragraph: "C" },
    q4: { kind: "gap", text: "The volunteers sell ______ to pay for trees." }
  },
  answerKey: { q1: "i", q2: "ii", q3: "iii", q4: "cider" },
});
