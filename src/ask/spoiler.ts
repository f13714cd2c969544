import type { PartId } from "../knowledge/schema.js";
import type { AskTopic } from "./schema.js";

/**
 * A topic is a spoiler when it concerns a part the club has not watched and the member did not ask for
 * spoilers. The command layer then wraps the part-specific detail in spoiler tags.
 */
export function isSpoiler(topic: Pick<AskTopic, "part">, watched: ReadonlySet<PartId>, spoilers: boolean): boolean {
  return topic.part !== null && !spoilers && !watched.has(topic.part);
}
