/**
 * Question-type cues. A question's form says what kind of answer it wants ("how long…/多长" wants a
 * duration, "where was it filmed/在哪拍的" a place, "where can I watch/在哪能看" a way to see it, "where is…/在哪里" a location), and
 * topics are tagged with the kinds they answer; the engine boosts topics whose tag matches. Detection
 * runs on folded text (lower case, no accents). Pure, no I/O.
 */
export const INTENTS = ["duration", "person", "place", "filming", "watch", "when", "award", "meaning", "count", "about"] as const;
export type Intent = (typeof INTENTS)[number];

/**
 * "What is X about" (not "what do you know about X", nor "what's that about", which asks what a remark means), "what happens in", the plot; 讲什么, 什么内容 (not 剧情,
 * which also names a fiction film: 剧情片). Both an intent (topics that tell what a work or a part is about,
 * tagged "about", are lifted) and a form (only such a topic is stated as the answer).
 */
const ABOUT =
  /\bwhat(?:'?s| is| was| are| were)\b(?!(?: all)? that(?: all)? about)[^?.!,;]{0,40}\babout\s*(?:[?.!,;]|$|(?:lol|lmao|haha|tho|though|exactly|again|anyway|pls|please)\b)|\bwhat happens in (?:part|rust|remnants|rails|it|this|the (?:film|movie|documentary|doc|first part|second part|third part|last part))\b|\bplot\b|\bstoryline\b|\bsynopsis\b|讲(?:的是|了|的)?(?:什么|啥)(?!方言|话|语|口音)|(?:片|电影|这部)说(?:了|的是)?(?:什么|啥)|(?:片|电影|这部|它)[^，。？！,.?!\s]{0,4}拍(?:的是|了|的)?(?:什么|啥)(?=\s*(?:[?？!！。,，]|啊|呀|呢|$))|(?:什么|啥)内容|内容是(?:什么|啥)|是关于(?:什么|啥)/;

/**
 * "Who" asking for a person: not a relative pronoun ("for people who missed it"), nor 谁 asking whether anyone
 * can or knows ("谁能讲讲", "谁知道").
 */
const WHO =
  /(?<!\b(?:people|those|someone|anyone|everyone|somebody|anybody|person|guy|guys|one|ones|friends?|members?|ppl|folks?)\s)\bwho(?:s|m|se)?\b|(?<![都还])(?<!有)谁(?!能|可以|知道|有|来)|[都还]有谁|哪位/;

const CUES: Record<Intent, RegExp[]> = {
  duration: [
    /\bhow long\b|\brun ?(ning )?time|\blength|\bduration\b|\bminutes?\b|\bmins?\b|\bhours?\b|\bhrs?\b|\blong is\b|\bhow lnog\b|\bhow lond\b/,
    /多长|多久|片长|时长|几个小时|几小时|多少小时|多少分钟|几分钟|分钟|小时|多少时间|长度/,
  ],
  person: [WHO, /\bwhat(s| is) (his|her|their) name\b|\bname of (the|his|her)\b|\bby whom\b/, /什么人|哪个人|名字/],
  place: [
    /\bwhere\b|\blocation\b|\blocated\b|\bwhich (city|place|district|town|province)\b/,
    /在哪|哪里|哪儿|在什么地方|什么地方|位于|哪个城市|哪座城市|哪个省/,
  ],
  filming: [
    /\bwhere\b.*\b(film|filmed|filming|shot|shoot|shooting|made)\b|\b(filming|shooting) location|\blocation\b.*\b(film|shoot)/,
    /在哪[里儿]?拍|在[^吗呢?]{1,6}拍的|哪里拍|哪儿拍|拍摄地|取景/,
  ],
  watch: [
    /\bwhere\b.*\b(watch|see|stream|buy|rent|find|get)\b|\bwatch (it )?online\b|\bstream(ing)?\b|\bcan i (watch|see|buy|rent)\b|\bavailable\b/,
    /在哪[里儿]?(能|可以)?看|哪里(能|可以)看|哪能看|去哪[里儿]?看|怎么(才能)?看到?|在线看|线上看|资源|哪里买|能买到|可以买/,
  ],
  when: [/\bwhen\b|\bwhat year\b|\bwhich year\b|\bwhat date\b|\bhow old\b.*\bfilm\b|\bdate\b/, /什么时候|哪年|哪一年|几几年|年份|何时|哪个年代/],
  award: [/\bawards?\b|\bprizes?\b|\bwon\b|\bwin\b|\bwins\b|\bwinning\b|\bgrand prix\b|\btrophy\b/, /奖|获奖|得奖|拿奖/],
  meaning: [/\bmean(s|ing)?\b|\btranslat|\bstand for\b|\bliteral(ly)?\b|\bin english\b/, /意思|含义|意义是|翻译|字面|指什么|指的是/],
  count: [/\bhow many\b|\bhow much\b|\bnumber of\b/, /多少|(?<!第)(?:几个|几家|几部|几位|几人)/],
  about: [ABOUT],
};

/** The intents a folded question shows. "where … watch" outranks "where …" as a place question. */
export function detectIntents(folded: string): Set<Intent> {
  const found = new Set<Intent>();
  for (const intent of INTENTS) {
    if (CUES[intent].some((re) => re.test(folded))) found.add(intent);
  }
  if (found.has("watch")) {
    found.delete("place");
    found.delete("filming");
  }
  if (found.has("filming")) found.delete("place");
  return found;
}

/** Intents that exclude each other: a topic tagged with one is pushed down for a question asking the other. */
export const CONFLICTS: ReadonlyMap<Intent, readonly Intent[]> = new Map<Intent, Intent[]>([
  ["place", ["watch", "duration", "filming"]],
  ["filming", ["watch", "duration", "place"]],
  ["watch", ["place", "filming"]],
  ["duration", ["place", "person", "when"]],
  ["person", ["duration"]],
  ["when", ["duration"]],
]);

/**
 * The form of answer a question asks for in so many words: a number, a year or date, a length, a name, the
 * present, a sum of money, someone's opinion, what a work is about, the title of a piece of writing.
 */
export type Form = "count" | "when" | "duration" | "person" | "now" | "money" | "opinion" | "about" | "title";

const FORM_CUES: Record<Form, RegExp> = {
  // Not 第几 ("which one in order": 第几部分).
  count: /\bhow (many|much)\b|\bnumber of\b|多少|(?<!第)(?:几个|几家|几位|几部|几人|几次)/,
  when: /^\s*when\b|\bwhen (did|was|is|were|does|will|do)\b|\b(what|which) year\b|\bwhat date\b|什么时候|哪年|哪一年|几几年|何时/,
  duration: /\bhow long\b|\brun ?(ning )?time\b|\bhow many (minutes|hours)\b|多长|多久|片长|时长|几个小时|多少分钟|多少小时/,
  person: WHO,
  // 现在 "now", not the 现在 of 出现在 "appears in" or 发现在 "found in", nor 现在的完整版 "the present (version)".
  now: /\b(today|nowadays|currently|these days|right now|still alive)\b|\bnow\s*\??$|(?<![出实表体发])现在(?!的(?:完整版|版本|版|剪辑))|目前|如今|今天|还活着/,
  money:
    /\bhow much\b.*\b(money|cost|costs|pay|paid|price|fee|fees|compensation|salary|wage|wages|allowance|subsidy|yuan|rmb|dollars?|euros?|earn|earned|spend|spent|charge|charged)\b|\bhow much (does|did|do|was|is) (it|they|he|she)( \w+)? (cost|pay|get|earn|make)\b|\bprices?\b|多少钱|多少元|几块钱|多少块|赔了多少|多少补偿|补偿.{0,4}多少|(?:多少|几).{0,6}(?:工资|片酬|票价|价格)|(?:工资|片酬|票价|价格).{0,6}(?:多少|几|多贵|多高)|多少.{0,3}(钱|费)|生活费.{0,6}多少|多少.{0,4}生活费/,
  opinion:
    /\bwhat (did|does|do) (\w+ ){1,3}(think|say|feel|write) (of|about)\b|\b(opinion|opinions|thoughts on|reaction to|react to|reacted to|feel about|felt about)\b|\bhow did (\w+ ){1,3}(react|feel|respond)\b|怎么评价|如何评价|怎么看待|对.{1,12}怎么看|怎么想(?!到|起)|评价(如何|怎么样)|什么评价|有何评价|看法|感想|觉得.{0,10}(怎么样|如何)|(?<![片影部])说(?:了|过)什么|什么反应/,
  about: ABOUT,
  // The title of an essay, an article, a review or a book ("what was jia zhangke's article called", "那篇文章叫啥名").
  title:
    /\bwhat(?:'?s| is| was)\b.{0,40}\b(?:essay|article|piece|review|book)s?\s+(?:called|titled)\b|\b(?:essay|article|piece|review|book)(?:'?s)? (?:title|name)\b|\b(?:title|name) of (?:the|his|her|their|that|this) (?:essay|article|piece|review|book)\b|(?:文章|书|影评|评论)(?:的)?(?:标题|题目|名字|叫什么|叫啥|题为)/,
};

/** The forms a folded question asks for (stricter than the intents: "when" as a conjunction does not count). */
export function formsAsked(folded: string): Set<Form> {
  const found = new Set<Form>();
  for (const [form, re] of Object.entries(FORM_CUES) as [Form, RegExp][]) if (re.test(folded)) found.add(form);
  // "How old is he now": a birth year answers it; no present-day fact is asked for.
  if (found.has("now") && AGE.test(folded)) found.delete("now");
  return found;
}

const AGE = /\bhow old\b|多大|几岁|年龄|岁数/;
