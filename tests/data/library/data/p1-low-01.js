// Exam data, registered with the page's registry (written for the recorder's tests).
window.__READING_EXAM_DATA__.register("p1-low-01", {
  schemaVersion: "ReadingExamSourceV1",
  examId: "p1-low-01",
  meta: { title: "Harbour Lights", category: "P1" },
  passage: [
    "A. The first harbour light in the bay was a fire kept burning in an iron basket.",
    "B. Later keepers used oil lamps, which were cleaner but needed trimming every hour.",
    "C. Today the lights are automatic and nobody lives at the station."
  ],
  questionOrder: ["q1", "q2", "q3", "q4"],
  questionDisplayMap: { q1: "1", q2: "2", q3: "3", q4: "4" },
  questions: {
    q1: { kind: "tfng", text: "The first light burned in an iron basket." },
    q2: { kind: "tfng", text: "Oil lamps were more expensive than fires." },
    q3: { kind: "gap", text: "Oil lamps needed ______ every hour." },
    q4: { kind: "choice", text: "Who lives at the station today?", options: { A: "a keeper", B: "nobody", C: "a family" } }
  },
  answerKey: { q1: "TRUE", q2: "NOT GIVEN", q3: "trimming", q4: "B" },
});
