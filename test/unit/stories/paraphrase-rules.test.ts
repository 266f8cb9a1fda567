import { describe, expect, it } from 'vitest';
import { storiesOf } from '../../helpers/stories.ts';
import type { StoryInput } from '../../../shared/stories/index.ts';
import { countsOf } from '../../../shared/stories/signals.ts';

/** Invented events (2030), written for these tests: each rule joins one paraphrase and keeps one look-alike apart. */
describe('stories: a deciding body names its decision', () => {
  const fedCut: StoryInput = {
    id: 'f1',
    title: 'Fed lowers benchmark rate by half a point',
    summary: 'The Federal Reserve cut the federal funds target to 3.75%-4% on Wednesday, its first move since March.',
    published: '2030-09-18T18:00:00Z',
  };

  it('joins "Fed cut lands weeks before the vote" to the rate decision it reports', async () => {
    const placed = await storiesOf([
      fedCut,
      {
        id: 'f2',
        title: 'Supersized Fed cut lands seven weeks before election',
        summary: "Powell's half-point reduction came as markets swung; Wall Street closed lower after the announcement.",
        published: '2030-09-18T20:00:00Z',
      },
    ]);
    expect(placed.get('f2')).toBe('f1');
  });

  it("keeps another body's cut on the same day apart, and a Fed item naming no change", async () => {
    const placed = await storiesOf([
      fedCut,
      {
        id: 'e1',
        title: 'ECB cut lands as eurozone growth stalls',
        summary: "The European Central Bank's half-point reduction came as markets swung; stocks closed lower.",
        published: '2030-09-18T20:00:00Z',
      },
      {
        id: 'f3',
        title: 'Fed chair Powell to testify on bank supervision',
        summary: 'Powell will appear before the Senate banking committee next month, the Federal Reserve said.',
        published: '2030-09-18T21:00:00Z',
      },
    ]);
    expect(placed.get('e1')).toBe('e1');
    expect(placed.get('f3')).toBe('f3');
  });
});

describe('stories: a revised forecast is no decision', () => {
  it('keeps "OPEC+ cuts demand forecast" apart from the output cut of the same day', async () => {
    const placed = await storiesOf([
      {
        id: 'o1',
        title: 'OPEC+ agrees surprise output cut of 1m bpd',
        summary: 'The producer group said members would cut output by a combined 1 million barrels a day from May.',
        published: '2030-04-02T10:00:00Z',
      },
      {
        id: 'o2',
        title: 'OPEC+ cuts oil demand forecast for the year',
        summary: 'In its monthly report the producer group lowered its world oil demand growth estimate by 100,000 barrels a day.',
        published: '2030-04-02T12:00:00Z',
      },
    ]);
    expect(placed.get('o2')).toBe('o2');
  });
});

describe('stories: war games are drills', () => {
  const drills: StoryInput = {
    id: 'd1',
    title: 'Beijing launches encirclement drills around Taiwan',
    summary: 'The Eastern Theater Command said ships and aircraft surrounded the island in two-day exercises.',
    published: '2030-05-23T03:00:00Z',
  };

  it('joins "second day of Chinese war games" to the drills it continues', async () => {
    const placed = await storiesOf([
      drills,
      {
        id: 'd2',
        title: "Chinese war games test ability to 'seize power'",
        summary: "Friday's exercise simulated strikes on ships near Taiwan, the command said.",
        published: '2030-05-24T05:00:00Z',
      },
    ]);
    expect(placed.get('d2')).toBe('d1');
  });

  it('keeps Games without "war" apart: a Chinese medal haul is no drill', async () => {
    const placed = await storiesOf([
      drills,
      {
        id: 'g1',
        title: 'Chinese athletes top medal table as Asian Games close',
        summary: 'China won 200 golds; Taiwan finished fifth in the medal table.',
        published: '2030-05-24T05:00:00Z',
      },
    ]);
    expect(placed.get('g1')).toBe('g1');
  });
});

describe('stories: the towns an incident reaches', () => {
  it('joins a quake "in Ishikawa" to the quake that "hits Noto" (both in Japan)', async () => {
    const placed = await storiesOf([
      {
        id: 'n1',
        title: 'Strong quake hits Noto; tsunami warning issued',
        summary: 'A magnitude 7.5 earthquake struck the Noto peninsula of Japan in the afternoon.',
        published: '2030-01-01T07:20:00Z',
      },
      {
        id: 'n2',
        title: '7.5 quake in Ishikawa, waves up to 1.2 m',
        summary: 'Japan issued a major tsunami warning after the earthquake shook the Sea of Japan coast.',
        published: '2030-01-01T08:00:00Z',
      },
    ]);
    expect(placed.get('n2')).toBe('n1');
  });

  it('keeps shootings in two cities of one state apart: a shooting happens in one spot', async () => {
    const placed = await storiesOf([
      {
        id: 'c1',
        title: 'Gunman kills four at Chicago mall',
        summary: 'Police in the US city said a man opened fire at a shopping centre on Saturday.',
        published: '2030-07-06T18:00:00Z',
      },
      {
        id: 'c2',
        title: 'Gunman kills four at Los Angeles mall',
        summary: 'Police in the US city said a man opened fire at a shopping centre on Saturday.',
        published: '2030-07-06T20:00:00Z',
      },
    ]);
    expect(placed.get('c2')).toBe('c2');
  });

  it('keeps talks in two towns of one state apart: talks happen in one town', async () => {
    const placed = await storiesOf([
      {
        id: 't1',
        title: 'Armenia and Azerbaijan open border talks in Istanbul',
        summary: 'Delegations met for a new round of negotiations hosted by Turkey.',
        published: '2030-06-02T09:00:00Z',
      },
      {
        id: 't2',
        title: 'Armenia and Azerbaijan open border talks in Izmir',
        summary: 'Delegations met for a new round of negotiations hosted by Turkey.',
        published: '2030-06-02T15:00:00Z',
      },
    ]);
    expect(placed.get('t2')).toBe('t2');
  });
});

describe('stories: one place, however spelt', () => {
  const drones: StoryInput = {
    id: 'b1',
    title: 'Sea drones strike Crimean bridge overnight',
    summary: 'Two people were killed when naval drones hit the road section of the bridge, Russian officials said.',
    published: '2030-07-17T06:00:00Z',
  };

  it('joins "Crimea bridge" to "Crimean bridge", and "Odessa" to "Odesa"', async () => {
    const placed = await storiesOf([
      drones,
      {
        id: 'b2',
        title: 'Couple killed in drone strike on Crimea bridge',
        summary: 'A couple died and their daughter was hurt when sea drones hit the bridge, officials said.',
        published: '2030-07-17T09:00:00Z',
      },
      {
        id: 'p1',
        title: 'Missiles hit Odesa port grain terminal',
        summary: 'Russian missiles struck grain silos in the port overnight, Ukrainian officials said; two workers were hurt.',
        published: '2030-07-19T06:00:00Z',
      },
      {
        id: 'p2',
        title: 'Odessa grain terminal hit by missiles',
        summary: 'Russian missiles struck grain silos in the port overnight, injuring two workers.',
        published: '2030-07-19T08:00:00Z',
      },
    ]);
    expect(placed.get('b2')).toBe('b1');
    expect(placed.get('p2')).toBe('p1');
  });

  it('keeps two ports apart: Odesa and Kherson are two strikes', async () => {
    const placed = await storiesOf([
      {
        id: 'p1',
        title: 'Missiles hit Odesa port grain terminal',
        summary: 'Russian missiles struck grain silos in the port overnight, Ukrainian officials said; two workers were hurt.',
        published: '2030-07-19T06:00:00Z',
      },
      {
        id: 'p3',
        title: 'Missiles hit Kherson port grain terminal',
        summary: 'Russian missiles struck grain silos in the port overnight, Ukrainian officials said; two workers were hurt.',
        published: '2030-07-19T08:00:00Z',
      },
    ]);
    expect(placed.get('p3')).toBe('p3');
  });
});

describe('stories: figures that are no counts', () => {
  it('reads "over 100", "more than 100" and "100+" as floors, not counts', () => {
    expect(countsOf('Over 100 missiles intercepted')).toEqual(['intercept:>100', 'missil:>100']);
    expect(countsOf('forces downed more than 100 drones')).toEqual(['drone:>100']);
    expect(countsOf('downing 100+ drones')).toEqual(['drone:>100']);
    expect(countsOf('Iran fires 180 missiles')).toEqual(['missil:180']);
  });

  it('reads "the 15-member council" and "flight J2-8243" as no counts', () => {
    expect(countsOf('The 15-member council met on Monday')).toEqual([]);
    expect(countsOf('when flight J2-8243 crashed near the airport')).toEqual([]);
    expect(countsOf('six members abstained')).toEqual(['abstain:6', 'member:6']);
  });

  const early: StoryInput = {
    id: 'm1',
    title: 'Over 100 missiles fired at Haifa, early reports say',
    summary: 'Early figures spoke of more than 100 missiles launched at northern Israel; many were intercepted.',
    published: '2030-10-01T17:00:00Z',
  };

  it('joins an early "over 100 missiles" to the later count of 180', async () => {
    const placed = await storiesOf([
      early,
      {
        id: 'm2',
        title: 'Army counts 180 missiles in barrage on Haifa',
        summary: 'The Israeli military said 180 ballistic missiles were launched at northern Israel; most were intercepted.',
        published: '2030-10-01T21:00:00Z',
      },
    ]);
    expect(placed.get('m2')).toBe('m1');
  });

  it('keeps a count well below a floor apart: "over 100 missiles" is not a barrage of 50', async () => {
    const placed = await storiesOf([
      early,
      {
        id: 'm3',
        title: 'Army counts 50 missiles in barrage on Haifa',
        summary: 'The Israeli military said 50 missiles were launched at northern Israel; most were intercepted.',
        published: '2030-10-01T21:00:00Z',
      },
    ]);
    expect(placed.get('m3')).toBe('m3');
  });

  it('keeps exact counts that differ apart: 100 missiles and 180 missiles are two barrages', async () => {
    const placed = await storiesOf([
      {
        ...early,
        title: '100 missiles fired at Haifa, army says',
        summary: 'The army said 100 missiles were launched at northern Israel.',
      },
      {
        id: 'm2',
        title: 'Army counts 180 missiles in barrage on Haifa',
        summary: 'The Israeli military said 180 ballistic missiles were launched at northern Israel; most were intercepted.',
        published: '2030-10-01T21:00:00Z',
      },
    ]);
    expect(placed.get('m2')).toBe('m2');
  });
});

describe('stories: a toll that passes a figure is a follow-up', () => {
  const first: StoryInput = {
    id: 'q1',
    title: 'Magnitude 7.8 quake hits Kerman province, over 300 dead',
    summary: 'A powerful earthquake struck southern Iran before dawn, killing at least 300 people near Kerman.',
    published: '2030-02-06T04:00:00Z',
  };

  it('joins "quake deaths pass 20,000" three days later', async () => {
    const placed = await storiesOf([
      first,
      {
        id: 'q2',
        title: 'Kerman quake deaths pass 20,000',
        summary: 'Three days after the earthquake, Iranian officials said more than 20,000 people had died in Kerman province.',
        published: '2030-02-09T10:00:00Z',
      },
    ]);
    expect(placed.get('q2')).toBe('q1');
  });

  it('keeps "another quake" days later apart, even as its toll passes a figure', async () => {
    const placed = await storiesOf([
      first,
      {
        id: 'q3',
        title: 'Another quake hits Kerman province; deaths pass 300',
        summary: 'A second magnitude 6.4 earthquake struck near Kerman, killing more than 300 people.',
        published: '2030-02-09T10:00:00Z',
      },
    ]);
    expect(placed.get('q3')).toBe('q3');
  });
});

describe('stories: stages beside an undated report', () => {
  const dated: StoryInput = {
    id: 's1',
    title: 'Fed trims rates a quarter point again',
    summary: 'The Federal Reserve cut rates again on Thursday, lowering its target range to 4.5%-4.75%.',
    published: '2030-11-07T19:00:00Z',
  };

  it('joins an undated report of the same decision worded without "again"', async () => {
    const placed = await storiesOf([
      dated,
      {
        id: 's2',
        title: "Quarter-point Fed cut follows September's half point",
        summary: 'The Federal Reserve cut its target range to 4.5%-4.75%, a smaller step than in September.',
        published: null,
      },
    ]);
    expect(placed.get('s2')).toBe('s1');
  });

  it('still reads stages between two undated items: a meeting and one held again are two', async () => {
    const placed = await storiesOf([
      {
        ...dated,
        published: null,
        title: 'Fed cuts rates a quarter point',
        summary: 'The Federal Reserve cut its target range to 4.5%-4.75%.',
      },
      {
        id: 's3',
        title: 'Fed cuts rates a quarter point again',
        summary: 'The Federal Reserve cut its target range again, to 4.5%-4.75%.',
        published: null,
      },
    ]);
    expect(placed.get('s3')).toBe('s3');
  });
});
