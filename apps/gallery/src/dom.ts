/** Minimal element builder. Text always goes in through textContent, never as HTML. */
type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string; attrs?: Record<string, string> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const c of children) if (c) node.append(c);
  return node;
}

/** URL of a file under models/, resolved against the page so the site works from any base path. */
export function modelsUrl(path: string): string {
  return new URL(`models/${path}`, document.baseURI).href;
}

/** Where onnxruntime-web's files are served: ort/ next to the page. */
export function runtimeUrl(): string {
  return new URL('ort/', document.baseURI).href;
}
