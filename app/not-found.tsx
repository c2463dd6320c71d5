import { NotFoundPanel } from "@/components/environment/page-states";

export default function NotFound() {
  return <NotFoundPanel what="There is no page at this address." />;
}
