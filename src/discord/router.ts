/**
 * One router, one error policy. Commands by name, components by the handler in their custom_id.
 * Expected failures (UserError) are shown ephemerally in the member's language; anything else is logged
 * once, with context, and answered with a short apology. Nothing here ever throws to discord.js.
 */
import type { Interaction } from "discord.js";
import type { Logger } from "../log.js";
import { chooseLocale } from "../i18n/locale.js";
import { translator, type Locale } from "../i18n/index.js";
import type { BotServices } from "../services.js";
import type { CommandModule, CommandRegistry, ComponentModule, ComponentResponder, Invocation } from "./command.js";
import { autocompleteResponder, memberPermissionsIn, memberRoleIds, optionReader, responderFor } from "./adapter.js";
import { decodeCustomId } from "./customId.js";
import { UserError } from "./errors.js";

export interface RouterMetrics {
  handled: number;
  userErrors: number;
  failures: number;
}

export interface Router {
  handle(interaction: Interaction): Promise<void>;
  readonly metrics: RouterMetrics;
  /** Interactions being handled right now (shutdown waits for them). */
  readonly inFlight: number;
}

/** Discord's "Unknown interaction" / "already acknowledged": the moment has passed, nothing to answer. */
function isExpired(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 10062 || code === 40060;
}

export function createRouter(registry: CommandRegistry, services: BotServices): Router {
  const commands = new Map<string, CommandModule>(registry.commands.map((c) => [c.data.name, c]));
  const components = new Map<string, ComponentModule>(registry.components.map((c) => [c.handler, c]));
  const metrics: RouterMetrics = { handled: 0, userErrors: 0, failures: 0 };
  let inFlight = 0;

  async function localeFor(interaction: Interaction, log: Logger): Promise<Locale> {
    try {
      return chooseLocale(interaction.locale, await services.languagePreference(interaction.guildId));
    } catch (error) {
      log.warn({ err: error }, "could not read the club's language; following the member's client");
      return chooseLocale(interaction.locale);
    }
  }

  function invocation(interaction: Interaction, locale: Locale, log: Logger): Invocation {
    return {
      interactionId: interaction.id,
      locale,
      t: translator(locale),
      userId: interaction.user.id,
      userName: interaction.user.globalName ?? interaction.user.username,
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      memberPermissions: interaction.memberPermissions?.bitfield ?? null,
      memberPermissionsIn: (channelId) => memberPermissionsIn(interaction, channelId),
      appPermissions: interaction.inGuild() ? (interaction.appPermissions?.bitfield ?? null) : null,
      memberRoleIds: memberRoleIds(interaction),
      services,
      log,
    };
  }

  async function fail(error: unknown, respond: ComponentResponder, base: Invocation): Promise<void> {
    if (error instanceof UserError) {
      metrics.userErrors++;
      base.log.debug({ key: error.key }, "user error");
      await respond.send({ content: base.t(error.key, error.params), ephemeral: true });
      return;
    }
    metrics.failures++;
    if (isExpired(error)) {
      base.log.warn({ err: error }, "interaction expired before it could be answered");
      return;
    }
    base.log.error({ err: error }, "interaction handler failed");
    await respond.send({ content: base.t("error.generic"), ephemeral: true });
  }

  async function dispatch(interaction: Interaction): Promise<void> {
    const log = services.logger.child({
      interactionId: interaction.id,
      guildId: interaction.guildId ?? undefined,
      userId: interaction.user.id,
    });
    const locale = await localeFor(interaction, log);
    const base = invocation(interaction, locale, log);

    if (interaction.isAutocomplete()) {
      const command = commands.get(interaction.commandName);
      const respond = autocompleteResponder(interaction);
      try {
        if (command?.autocomplete) await command.autocomplete({ ...base, options: optionReader(interaction), respond });
        else await respond.choices([]);
      } catch (error) {
        if (!isExpired(error)) log.error({ err: error }, "autocomplete failed");
        await respond.choices([]).catch(() => undefined);
      }
      return;
    }

    if (interaction.isChatInputCommand()) {
      const respond = responderFor(interaction);
      try {
        const command = commands.get(interaction.commandName);
        if (!command) throw new UserError("error.unknownCommand");
        await command.execute({ ...base, options: optionReader(interaction), respond });
      } catch (error) {
        await fail(error, respond, base).catch((e: unknown) => {
          if (!isExpired(e)) log.error({ err: e }, "could not answer with an error");
        });
      }
      return;
    }

    if (interaction.isMessageComponent() || interaction.isModalSubmit()) {
      const respond = responderFor(interaction);
      try {
        const decoded = decodeCustomId(interaction.customId);
        const component = decoded.stale ? undefined : components.get(decoded.handler);
        if (decoded.stale || !component) throw new UserError("error.staleButton");
        const fields: Record<string, string> = {};
        if (interaction.isModalSubmit()) {
          for (const [id, field] of interaction.fields.fields) {
            if ("value" in field && typeof field.value === "string") fields[id] = field.value;
          }
        }
        await component.execute({
          ...base,
          args: decoded.args,
          values: interaction.isAnySelectMenu() ? interaction.values : [],
          fields,
          messageOwnerId: interaction.isMessageComponent()
            ? (interaction.message.interactionMetadata?.user.id ?? null)
            : null,
          respond,
        });
      } catch (error) {
        await fail(error, respond, base).catch((e: unknown) => {
          if (!isExpired(e)) log.error({ err: e }, "could not answer with an error");
        });
      }
    }
  }

  return {
    metrics,
    get inFlight() {
      return inFlight;
    },
    async handle(interaction) {
      inFlight++;
      try {
        await dispatch(interaction);
        metrics.handled++;
      } catch (error) {
        // dispatch answers its own errors; this only catches a failure to even build the context.
        metrics.failures++;
        services.logger.error({ err: error, interactionId: interaction.id }, "interaction could not be routed");
      } finally {
        inFlight--;
      }
    },
  };
}
