import type { MessageRow } from '../api/types.ts';

const looksLikeHtml = (text: string) => /<\/?[a-z][\s\S]*>/i.test(text);

/** Nothing remote loads: viewing a message must not fire its open-tracking pixel or fetch anything. */
const NO_REMOTE =
  '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; style-src \'unsafe-inline\'">';

/** A transparent pixel in place of every remote image: the policy above would block them, logging each. */
const BLANK = 'data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==';
const REMOTE_IMAGE = /(<img\b[^>]*?\ssrc\s*=\s*)(["'])(?:https?:)?\/\/[^"']*\2/gi;
export const withoutRemoteImages = (html: string) => html.replace(REMOTE_IMAGE, `$1$2${BLANK}$2`);

/**
 * A sent message as the customer saw it: HTML in a sandboxed frame (no scripts, no same-origin access, no
 * remote loads, never injected into this page), anything else as wrapped text.
 */
export function MessagePreview({ message }: { message: MessageRow }) {
  return (
    <RenderedPreview
      channel={message.channel}
      body={message.body}
      title={`Email to ${message.to}${message.subject ? `: ${message.subject}` : ''}`}
    />
  );
}

export function RenderedPreview({ channel, body, title }: { channel: string; body: string; title: string }) {
  if (channel === 'email' && looksLikeHtml(body)) {
    return (
      <iframe
        className="message-frame"
        title={title}
        sandbox=""
        srcDoc={`${NO_REMOTE}${withoutRemoteImages(body)}`}
        data-testid="message-frame"
      />
    );
  }
  return (
    <pre className="message-text" data-testid="message-text">
      {body}
    </pre>
  );
}
