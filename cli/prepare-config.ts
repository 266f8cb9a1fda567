import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { builtinTopics, type TopicDefinition, topicDefinitionSchema } from '../shared/classify/index.ts';
import { type ConfigFile, loadConfigFile } from '../shared/config/config-file.ts';
import { ConfigError } from '../shared/core/errors.ts';
import { formatZodIssues } from '../shared/core/validation-issues.ts';
import { packagePath } from './package-files.ts';

/** The config shipped with the project: real public feeds on our topics. */
export const defaultConfigPath = packagePath('config/default.yaml');

/** `--config`, else ./news-alerts.yaml when present, else the shipped default. */
export function chooseConfigPath(explicit: string | undefined, cwd = process.cwd()): string {
  if (explicit) return resolve(cwd, explicit);
  const local = resolve(cwd, 'news-alerts.yaml');
  return existsSync(local) ? local : defaultConfigPath;
}

/** Loads the config and validates its user topics with the classifier's topic schema. */
export async function prepareConfig(path: string): Promise<{ config: ConfigFile; topics: TopicDefinition[] }> {
  const config = await loadConfigFile(path);
  const userTopics = config.topics.map((raw, index) => {
    const result = topicDefinitionSchema.safeParse(raw);
    if (!result.success) {
      throw new ConfigError(`config file is invalid: topics.${index}: ${formatZodIssues(result.error.issues)} (${path})`);
    }
    return result.data;
  });
  const builtinIds = new Set(builtinTopics.map((t) => t.id));
  const clash = userTopics.find((t) => builtinIds.has(t.id));
  if (clash) throw new ConfigError(`config file is invalid: topic "${clash.id}" is a built-in topic id (${path})`);
  return { config, topics: [...builtinTopics, ...userTopics] };
}
