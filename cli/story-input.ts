import { z } from 'zod';

/**
 * One input item of `news-alerts stories` (extra fields, such as labels, are ignored), as the
 * command, the stories bench and the evaluation script read it from JSON Lines. Here, not in
 * shared/stories, so the story matcher that poll-feed loads holds no schema of the CLI's input.
 */
export const storyInputSchema = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  title: z.string(),
  summary: z.string().nullish(),
  link: z.string().nullish(),
  source: z.string().nullish(),
  published: z.string().nullish(),
});
