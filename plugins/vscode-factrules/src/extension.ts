// The factrules extension: starts `factrules lsp` and connects VS Code to it.
//
// Everything the editor shows (diagnostics, hovers, quick fixes) comes from
// the language server; this file only starts it with the user's settings,
// restarts it when the command changes, and serves `factrules:` URIs (the
// "explain this rule" links of diagnostics) from the server's
// `factrules/explainRule` request.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
} from "vscode-languageclient/node";

const SECTION = "factrules";
const EXPLAIN_SCHEME = "factrules";
const EXPLAIN_PREFIX = "/rules/explain/";
const LANGUAGES = ["markdown", "plaintext", "html"];
/** Settings that change how the server is started, not only what it checks. */
const RESTART_KEYS = ["path", "args"];

let client: LanguageClient | undefined;

interface InitializationOptions {
  date?: string;
  select?: string[];
  ignore?: string[];
  enable?: string[];
  rules?: string[];
  config?: string;
  debounceMs?: number;
}

/** The server's initializationOptions, from the `factrules.*` settings (see docs/editors.md). */
export function initializationOptions(config: vscode.WorkspaceConfiguration): InitializationOptions {
  return {
    date: config.get<string>("date", "") || undefined,
    select: config.get<string[]>("select", []),
    ignore: config.get<string[]>("ignore", []),
    enable: config.get<string[]>("enable", []),
    rules: config.get<string[]>("rules", []),
    config: config.get<string>("config", "") || undefined,
    debounceMs: config.get<number>("debounceMs", 300),
  };
}

function serverOptions(config: vscode.WorkspaceConfiguration): ServerOptions {
  const command = config.get<string>("path", "factrules") || "factrules";
  const args = config.get<string[]>("args", ["lsp"]);
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  // No `transport`: the client then talks over the process's stdin/stdout without adding `--stdio`.
  return { command, args, options: cwd ? { cwd } : undefined };
}

function clientOptions(config: vscode.WorkspaceConfiguration, output: vscode.OutputChannel): LanguageClientOptions {
  const documentSelector = LANGUAGES.flatMap((language) => [
    { scheme: "file", language },
    { scheme: "untitled", language },
  ]);
  return {
    documentSelector,
    initializationOptions: initializationOptions(config),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    synchronize: {
      // Sends `workspace/didChangeConfiguration` with `{factrules: {...}}` when a setting changes.
      configurationSection: SECTION,
      // A new or edited config file changes what every open draft is checked with.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{.factrules.yaml,.factrules.yml,pyproject.toml}"),
    },
  };
}

async function start(output: vscode.OutputChannel): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  client = new LanguageClient("factrules", "factrules", serverOptions(config), clientOptions(config, output));
  try {
    await client.start();
  } catch (error) {
    const command = [config.get<string>("path", "factrules"), ...config.get<string[]>("args", ["lsp"])].join(" ");
    void vscode.window.showErrorMessage(
      `factrules: could not start \`${command}\` (${String(error)}). ` +
        "Install it with `pip install 'factrules[lsp]'` or set `factrules.path`.",
    );
    client = undefined;
  }
}

async function restart(output: vscode.OutputChannel): Promise<void> {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
  await start(output);
}

/** Serves `factrules:/rules/explain/<rule>`: what `factrules rules explain <rule>` prints. */
class ExplanationProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    if (!uri.path.startsWith(EXPLAIN_PREFIX)) {
      return `Unknown factrules address: ${uri.toString()}`;
    }
    const rule = uri.path.slice(EXPLAIN_PREFIX.length);
    if (!client) {
      return `The factrules language server is not running; run \`factrules rules explain ${rule}\` instead.`;
    }
    const reply = await client.sendRequest<{ rule: string; text: string } | null>("factrules/explainRule", {
      rule,
    });
    return reply ? reply.text : `No rule '${rule}' (see \`factrules rules list\`).`;
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("factrules");
  context.subscriptions.push(
    output,
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, new ExplanationProvider()),
    vscode.commands.registerCommand("factrules.restartServer", () => restart(output)),
    vscode.commands.registerCommand("factrules.explainRule", async () => {
      const rule = await vscode.window.showInputBox({ prompt: "Rule id, e.g. hedges.reportedly" });
      if (rule) {
        const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: EXPLAIN_PREFIX + rule.trim() });
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
      }
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_KEYS.some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
        void restart(output);
      }
    }),
  );
  await start(output);
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
    client = undefined;
  }
}
