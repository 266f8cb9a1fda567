/** Why a topic matched: one entry per phrase that contributed to the score. */
export interface MatchedPhrase {
  /** The phrase as the topic file writes it (e.g. "Security Council"). */
  phrase: string;
  /** The text actually found (e.g. "U.N. Security Council's"). */
  text: string;
  field: 'title' | 'summary';
  /** Character offset of `text` in the field's plain text. */
  position: number;
  /** The rule (phrase group) of the topic that the phrase belongs to. */
  rule: string;
}

/** A topic an item passed, with its score in [0, 1] and the explanation. */
export interface TopicMatch {
  topic: string;
  label: string;
  score: number;
  matched: MatchedPhrase[];
}

/** The text a classifier reads; both fields are plain text. */
export interface ClassifiableItem {
  title: string;
  summary?: string;
}
