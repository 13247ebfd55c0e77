/**
 * Records of the one story every OpenAPI example tells (the demo track's norm gge-13i, its first
 * statement), shared by the examples of the audit routes and of the queries, so that both show the
 * same event.
 */

/** The data of NormProposed for gge-13i. */
export const GGE_13I_PROPOSED = {
  agendaItemId: 'item-2',
  normId: 'gge-13i',
  proposedBy: ['us'],
  sessionId: 'seg-2026-1',
  sourceRef: 'A/70/174 §13(i)',
  summary: 'States should take reasonable steps to ensure the integrity of the supply chain of ICT products.',
  title: 'Supply chain integrity',
  trackId: 'us-cn-seg',
};

/** The data of st-us-01, the United States' statement, on the subject `key` names. */
export const usStatement = (key: Readonly<Record<string, string>>) => ({
  agendaItemId: 'item-2',
  channel: 'oral',
  communicationRef: 'SEG/2026/1/INF.3',
  delegateId: 'us-del-1',
  interpretativeStatement: 'The United States reads this text as applying in peacetime and in armed conflict.',
  ...key,
  partyId: 'us',
  sessionId: 'seg-2026-1',
  stance: 'supports',
  statementId: 'st-us-01',
  text: 'The United States supports the proposal as drafted and asks that its implementation be reviewed in 2027.',
});
