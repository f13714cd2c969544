import { defineMessages } from "../define.js";

/** Strings for /westofthetracks ask (the answers themselves live in data/ask/*.json). */
export const ask = defineMessages(
  {
    "ask.unsure": "I'm not sure which of these you mean:",
    "ask.outOfScope": "I can only answer questions about Tie Xi Qu: West of the Tracks, its making, its history and Wang Bing.",
    "ask.invalid.empty": "Type a question after the command, for example: how long is Rust?",
    "ask.invalid.tooLong": "That is longer than {max} characters. Please ask one short question at a time.",
    "ask.invalid.noText": "I only see mentions, emoji or formatting there. Please type your question in words.",
    "ask.related": "Related questions",
    "ask.readMore": "More: /westofthetracks {subcommand}",
    "ask.spoilerNotice": "This concerns {part}, which your club has not watched yet; the detail is hidden behind a spoiler tag.",
    "ask.confidence": "Match confidence: {percent}%",
  },
  {
    "ask.unsure": "我不太确定你指的是下面哪一个:",
    "ask.outOfScope": "我只能回答关于《铁西区》、它的拍摄、相关历史和王兵的问题。",
    "ask.invalid.empty": "请在命令后输入一个问题,例如:工厂那部分多长?",
    "ask.invalid.tooLong": "问题超过了 {max} 个字符。请一次只问一个简短的问题。",
    "ask.invalid.noText": "这里只有提及、表情或格式符号。请用文字输入你的问题。",
    "ask.related": "相关问题",
    "ask.readMore": "更多内容:/westofthetracks {subcommand}",
    "ask.spoilerNotice": "这涉及你们俱乐部还没看过的{part},细节已用剧透标签隐藏。",
    "ask.confidence": "匹配度:{percent}%",
  },
);
