/**
 * The id, label and description of each built-in topic, in `builtinTopics` order: what lists the
 * topics a subscriber can choose (the HTTP API) needs, without the topic files' phrases (35 KB
 * of the API's bundle). `test/unit/classify/builtin-topics.test.ts` holds them equal to the files.
 */
export const builtinTopicSummaries: ReadonlyArray<{ id: string; label: string; description: string }> = [
  {
    id: 'un-meeting',
    label: 'UN meeting',
    description:
      'The item reports on a meeting, session or vote of a United Nations body (Security Council, General Assembly, Human Rights Council, ...): requested, scheduled, held, or its outcome (resolutions adopted or vetoed, votes, statements made there). A mere mention of the UN, a UN agency report or a peacekeeping incident is not a UN meeting.',
  },
  {
    id: 'talks',
    label: 'Diplomatic talks',
    description:
      'Diplomatic negotiations between states or warring parties: peace talks, ceasefire negotiations, summits between leaders, negotiation rounds, memoranda or peace plans exchanged, mediation offers, a party accepting, rejecting or conditioning talks; intergovernmental trade or nuclear negotiations. Not corporate deal talks, union contract talks, TED talks or transfer talks.',
  },
  {
    id: 'sanctions',
    label: 'Sanctions',
    description:
      'International, economic or political sanctions: imposed, extended, lifted, threatened, weighed, evaded, or their effects (embargoes, asset freezes, export bans, blacklisting). Not sports-body or court sanctions, not "sanctioned races".',
  },
];
