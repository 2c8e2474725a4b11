import { Link } from '@fluentui/react-components';
import type { MouseEvent, ReactNode } from 'react';
import { useNavigate } from 'react-router';

/** A real link (open in a new tab works) that navigates inside the app on a plain click. */
export function RouterLink({
  to,
  children,
  className,
  target,
}: {
  to: string;
  children: ReactNode;
  className?: string;
  target?: string;
}) {
  const navigate = useNavigate();
  return (
    <Link
      as="a"
      href={to}
      className={className}
      target={target}
      onClick={(event: MouseEvent<HTMLAnchorElement>) => {
        if (target || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
          return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </Link>
  );
}
