// The regions yibao knows. One plugin = one factory with a manifest.
import type { PluginFactory } from './contract.js';
import { createSichuanPlugin, createNationalPlugin } from './national/index.js';
import { createChengduPlugin } from './chengdu/index.js';
import { createChongqingPlugin } from './chongqing/index.js';
import { createNanpingPlugin } from './nanping/index.js';
import { createSichuanComPlugin } from './sichuan-com/index.js';
import { createChengduJxcPlugin } from './chengdu-jxc/index.js';
import { createLiuzhouPlugin } from './liuzhou/plugin.js';
import { createSichuanXnhPlugin } from './sichuan-xnh/index.js';
import { createChengduSlistPlugin } from './chengdu-slist/index.js';

export const PLUGINS: Record<string, PluginFactory> = {
  sichuan: createSichuanPlugin,
  national: createNationalPlugin,
  chengdu: createChengduPlugin,
  chongqing: createChongqingPlugin,
  nanping: createNanpingPlugin,
  'sichuan-com': createSichuanComPlugin,
  'chengdu-jxc': createChengduJxcPlugin,
  liuzhou: createLiuzhouPlugin,
  'sichuan-xnh': createSichuanXnhPlugin,
  'chengdu-slist': createChengduSlistPlugin,
};

export function pluginFactory(region: string): PluginFactory {
  const f = PLUGINS[region];
  if (!f) throw new Error(`unknown region "${region}" (known: ${Object.keys(PLUGINS).join(', ')})`);
  return f;
}
