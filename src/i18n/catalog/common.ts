import { defineMessages } from "../define.js";

/** Strings shared by every feature: errors, generic labels. */
export const common = defineMessages(
  {
    "error.generic": "Sorry, something went wrong on my side. The club's data is safe; please try again in a moment.",
    "error.unknownCommand": "I don't know that command any more. Discord may still be showing an older version; try typing it again in a minute.",
    "error.staleButton": "That button belongs to an older version of this message. Run the command again for a fresh one.",
    "error.badOption": "The value “{value}” is not one I can use for “{option}”.",
    "error.guildOnly": "This works inside a server, not in direct messages.",
    "error.missingPermission": "You need the {permission} permission (or the club's host role) to do that.",
    "label.previous": "Previous",
    "label.next": "Next",
    "footer.brand": "West of the Tracks club bot",
  },
  {
    "error.generic": "抱歉，我这边出了点问题。俱乐部的数据没有受影响，请稍后再试。",
    "error.unknownCommand": "我已经不认识这个命令了。Discord 可能还在显示旧版本，请过一分钟再输入一次。",
    "error.staleButton": "这个按钮属于这条消息的旧版本。请重新运行命令获取新的消息。",
    "error.badOption": "“{value}”不是“{option}”可以使用的值。",
    "error.guildOnly": "这个功能只能在服务器里使用，不能在私信中使用。",
    "error.missingPermission": "你需要 {permission} 权限（或俱乐部的主持人身份组）才能这样做。",
    "label.previous": "上一部分",
    "label.next": "下一部分",
    "footer.brand": "铁西区观影俱乐部机器人",
  },
);
